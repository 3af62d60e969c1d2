import Foundation

/// Runs CPU-bound synchronous test work on a thread of its own instead of Swift concurrency's
/// cooperative pool. That pool has one thread per core (two here): a few long synchronous tests
/// running at once take all of it, and every async test waiting on a socket, a timer or an actor
/// stalls with them until its deadline fails (the full suite lost ~40 s this way to the
/// 50,000-mutant sweep while the Stratum tests' one-minute limits ran). The OS shares the cores;
/// the pool stays free.
public enum OffPool {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }
}
