import Foundation

/// Share targets of spec section 3: a share is a nonce with `H ≥ tShare`, chosen so a miner finds
/// about `K` shares per block, and `d_ratio_ppm` says how deep a share is relative to Θ.
public enum ShareTarget {
    /// `tShare(Θ, K) = clamp(roundHalfEven((Θ/10^6 − ln K)·10^6), 0, Θ−1)`, evaluated in IEEE
    /// `Double` exactly in that order (the vectors pin the rounding of `ln K` and the product).
    ///
    /// `K < 1` is treated as 1 (ln 0 would be −∞), and the result is never negative even when
    /// `Θ ≤ 0` (then it is 0) — see docs/decisions/udraw-math.md.
    public static func tShare(thetaMicro: Int64, k: Int64) -> Int64 {
        let kk = Double(max(k, 1))
        let v = MicroNat.roundHalfEven((Double(thetaMicro) / 1e6 - log(kk)) * 1e6)
        return max(0, min(max(v, 0), thetaMicro - 1))
    }

    /// `d_ratio_ppm = floor(H · 10^6 / Θ)`, with the product in 128 bits so no `H` can trap.
    /// `Θ ≤ 0` gives 0 (there is no meaningful depth against a non-positive difficulty).
    public static func dRatioPpm(H: Int64, thetaMicro: Int64) -> Int64 {
        guard thetaMicro > 0 else { return 0 }
        return MicroNat.mulDivFloor(H, MicroNat.perNat, thetaMicro)
    }
}
