/// µ-nat helpers (spec section 1): scores are integers = nats × 10^6 stored as `Int64`, and no
/// input may make arithmetic trap — conversions saturate and products are taken in 128 bits.
public enum MicroNat {
    /// One nat in µ-nats.
    public static let perNat: Int64 = 1_000_000

    /// A raw ψ saturates here (spec section 1) so sums of a block's proofs cannot overflow `Int64`.
    public static let psiSaturation: Int64 = 1_000_000_000_000_000

    /// IEEE round-half-to-even of `x` to an `Int64`, the rounding every `roundHalfEven` in the spec
    /// names. Never traps: NaN gives 0 and values beyond `Int64` saturate to its bounds, because a
    /// consensus function must return *something* deterministic for every input.
    @inlinable
    public static func roundHalfEven(_ x: Double) -> Int64 {
        guard !x.isNaN else { return 0 }
        let r = x.rounded(.toNearestOrEven)
        // 2^63 is exactly representable; anything at or above it does not fit.
        if r >= 9_223_372_036_854_775_808.0 { return .max }
        if r < -9_223_372_036_854_775_808.0 { return .min }
        return Int64(r)
    }

    /// `toMicro(x)` of spec section 4: 0 if `x` is not finite or `x ≤ 0`, else
    /// `roundHalfEven(x · 10^6 + 1e-12)` in IEEE `Double`, saturated at ``psiSaturation``.
    ///
    /// The `+ 1e-12` nudges values that are exactly representable halves (e.g. 0.0000005 nats
    /// after an exact product) consistently up, as the reference implementation does.
    @inlinable
    public static func toMicro(_ x: Double) -> Int64 {
        guard x.isFinite, x > 0 else { return 0 }
        return min(roundHalfEven(x * 1e6 + 1e-12), psiSaturation)
    }

    /// `min(max(v, lo), hi)`; when `hi < lo` the result is `hi` (callers that need a non-negative
    /// result clamp again, see ``ShareTarget/tShare(thetaMicro:k:)``).
    @inlinable
    public static func clamp(_ v: Int64, _ lo: Int64, _ hi: Int64) -> Int64 {
        min(max(v, lo), hi)
    }

    /// `floor(a · b / c)` with the product in 128 bits, saturated to `Int64`. `c == 0` gives 0
    /// (a division by zero must not trap a node; callers reject zero divisors earlier).
    @inlinable
    public static func mulDivFloor(_ a: Int64, _ b: Int64, _ c: Int64) -> Int64 {
        guard c != 0 else { return 0 }
        let p = Int128(a) * Int128(b)
        let d = Int128(c)
        var q = p / d
        if (p % d != 0) && ((p < 0) != (d < 0)) { q -= 1 }  // Swift's `/` truncates; floor it.
        if q > Int128(Int64.max) { return .max }
        if q < Int128(Int64.min) { return .min }
        return Int64(q)
    }
}
