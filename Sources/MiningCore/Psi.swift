#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// ψ (spec §4): verified metrics → raw ψ in nats (IEEE `Double`, policy coefficients) → µ-nats
/// (`toMicro`) → α-weighted `ψ_adj` (integer, 128-bit product).
///
/// The `Double` expressions follow the spec's formulas left to right, so every implementation
/// that evaluates them in the same order gets the same bits; the vectors pin them.
public enum Psi {
    /// The raw-ψ saturation of §1, µ-nats.
    public static let maxRawMicro: Int64 = MicroNat.psiSaturation

    /// `ppm / 10^6` as a correctly rounded IEEE division (`kPpm = 250000` → 0.25).
    @inlinable public static func fraction(ppm: Int64) -> Double { Double(ppm) / 1e6 }

    @inlinable public static func clamp01(_ v: Double) -> Double { min(max(v, 0), 1) }

    /// `ramp(t; lo, hi)`: 0 at or below `lo`, 1 at or above `hi`, linear between.
    @inlinable public static func ramp(_ t: Double, lo: Double, hi: Double) -> Double {
        if t <= lo { return 0 }
        if t >= hi { return 1 }
        return (t - lo) / (hi - lo)
    }

    /// Raw ψ in nats for `metrics` under `policy` (§4 table).
    public static func rawNats(_ metrics: ProofMetrics, policy: Policy) -> Double {
        let tp = policy[metrics.type]
        let k = fraction(ppm: tp.kPpm)
        switch metrics {
        case .hashShare(let dRatioPpm):
            let d = Double(dRatioPpm) / 1e6
            return k * log1p(d)
        case .ai(let units, let qos, let traps, let redundancy):
            let r = ramp(traps, lo: fraction(ppm: tp.trapsLowPpm ?? 0), hi: fraction(ppm: tp.trapsHighPpm ?? 0))
            return k * units * clamp01(qos) * r / max(1, redundancy)
        case .quantum(let units, let qos, let traps):
            let r = ramp(traps, lo: fraction(ppm: tp.trapsLowPpm ?? 0), hi: fraction(ppm: tp.trapsHighPpm ?? 0))
            return k * units * clamp01(qos) * r
        case .storage(let heartbeat, let sizeGiB, let avail, let retrieval):
            guard heartbeat else { return 0 }
            let exponent = fraction(ppm: tp.availExpPpm ?? 0)
            let bonus = fraction(ppm: tp.retrievalBonusPpm ?? 0)
            return k * sizeGiB * pow(clamp01(avail), exponent) * (1 + bonus * clamp01(retrieval))
        case .vdf(let iterations):
            return k * log1p(Double(iterations) / Double(policy.vdfItersPerSecond))
        }
    }

    /// `toMicro(x)` of §4 (``MicroNat/toMicro(_:)``: saturates at 10^15 µ-nats).
    @inlinable public static func toMicro(_ x: Double) -> Int64 { MicroNat.toMicro(x) }

    /// `ψ_raw_micro` of `metrics`.
    public static func rawMicro(_ metrics: ProofMetrics, policy: Policy) -> Int64 {
        toMicro(rawNats(metrics, policy: policy))
    }

    /// `ψ_adj = floor(ψ_raw_micro · α / 10^9)` in 128-bit arithmetic (α in 10^9 fixed point).
    /// Negative inputs give 0; a result beyond Int64 saturates (only reachable with α > 9.2·10^12).
    @inlinable public static func adjusted(rawMicro: Int64, alpha: Int64) -> Int64 {
        guard rawMicro > 0, alpha > 0 else { return 0 }
        let q = (Int128(rawMicro) * Int128(alpha)) / 1_000_000_000
        return q > Int128(Int64.max) ? Int64.max : Int64(q)
    }

    /// `ψ_adj` of `metrics` with the policy's α for its type (or `alpha` from a tuner).
    public static func adjustedMicro(_ metrics: ProofMetrics, policy: Policy, alpha: Int64? = nil) -> Int64 {
        adjusted(rawMicro: rawMicro(metrics, policy: policy), alpha: alpha ?? policy[metrics.type].alpha)
    }
}
