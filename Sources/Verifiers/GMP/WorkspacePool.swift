import Synchronization

/// A lock-protected free list of ``WesolowskiWorkspace`` values (at most one per concurrent caller).
final class WorkspacePool: Sendable {
    static let shared = WorkspacePool()
    private let free = Mutex<[WesolowskiWorkspace]>([])

    func take() -> WesolowskiWorkspace {
        free.withLock { $0.popLast() } ?? WesolowskiWorkspace()
    }

    func give(_ w: WesolowskiWorkspace) {
        free.withLock { if $0.count < 16 { $0.append(w) } }
    }
}
