#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin, inlinable names for libm so the hot loop does not go through Foundation overlays.
@inlinable @inline(__always) func Foundation_log(_ x: Double) -> Double { log(x) }
@inlinable @inline(__always) func Foundation_exp(_ x: Double) -> Double { exp(x) }
@inlinable @inline(__always) func Foundation_cos(_ x: Double) -> Double { cos(x) }

/// `P(H ≥ t)` for a target `t` in µ-nats, in closed form: `e^{−(t−½)/10^6}`, and exactly 1 at
/// `t = 0` (spec §3: `X(0) = 2^256 − 1`). This equals `(X(t)+1)/2^256` to double precision.
@inlinable @inline(__always)
public func hashSuccessProbability(targetMicro t: Int64) -> Double {
    t <= 0 ? 1 : Foundation_exp(-(Double(t) - 0.5) / 1e6)
}
