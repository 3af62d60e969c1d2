import CGMP
import MiningCore

/// Scratch space for Wesolowski verification and proving: every GMP value a call needs, allocated
/// once and pre-sized for the modulus, so a warmed-up workspace verifies without GMP allocating,
/// and no GMP call ever has an output aliasing an input.
///
/// Not thread-safe: own one per thread, or borrow one from ``WesolowskiWorkspace/pool``.
public final class WesolowskiWorkspace: @unchecked Sendable {
    let n = MPZ(bits: 4160)
    let g = MPZ(bits: 4160)
    let y = MPZ(bits: 4160)
    let pi = MPZ(bits: 4160)
    let ell = MPZ(bits: 192)
    let r = MPZ(bits: 192)
    let two = MPZ(bits: 64)
    let a = MPZ(bits: 4160)
    let b = MPZ(bits: 4160)
    let c = MPZ(bits: 8320)
    let cand = MPZ(bits: 192)
    let fermat = MPZ(bits: 192)
    let midstate = SHA3Midstate()
    let montgomery = MontgomeryDoubleExp()
    /// `LP(N) ‖ LP(g) ‖ LP(y) ‖ u64(T)`, reused between calls.
    var challengeInput: [UInt8] = []

    public init() {
        two.set(2)
        challengeInput.reserveCapacity(4 * 3 + 3 * 512 + 8)
    }

    /// Limbs allocated across all scratch values (tests check it stays constant once warm).
    public var allocatedLimbs: Int {
        [n, g, y, pi, ell, r, two, a, b, c, cand, fermat].reduce(0) { $0 + $1.allocatedLimbs }
    }
}

extension WesolowskiWorkspace {
    /// A small pool of workspaces shared by the stateless ``WesolowskiVerifier``: a call borrows one
    /// and returns it, so steady-state verification allocates nothing in GMP.
    public static func withPooled<R>(_ body: (WesolowskiWorkspace) throws -> R) rethrows -> R {
        let w = WorkspacePool.shared.take()
        defer { WorkspacePool.shared.give(w) }
        return try body(w)
    }
}
