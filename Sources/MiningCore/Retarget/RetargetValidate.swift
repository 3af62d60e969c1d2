/// Why a retarget configuration was rejected; every case names the offending key.
public enum RetargetConfigError: Error, Hashable, CustomStringConvertible {
    /// A key the chosen rule does not have.
    case unknownKey(String)
    /// `rule = "…"` names no rule.
    case unknownRule(String)
    /// A value of the wrong kind or out of range; `expected` says what would be accepted.
    case invalid(key: String, expected: String)
    /// A TOML or JSON text that does not parse.
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownKey(let k): return "\(k): unknown key"
        case .unknownRule(let r): return "rule: unknown rule '\(r)', expected one of ema-v1, asert-v1, window, fixed"
        case .invalid(let k, let e): return "\(k): expected \(e)"
        case .malformed(let m): return "malformed: \(m)"
        }
    }
}

/// Parameter checks shared by the rules. Integers are bounded by 2^62 so that `Θ ± step` and
/// similar sums can never overflow `Int64`.
enum RetargetValidate {
    static let intLimit: Int64 = 1 << 62

    /// `v` clamped to `[−2^62, 2^62]`.
    static func saturate(_ v: Int64) -> Int64 { Swift.min(Swift.max(v, -intLimit), intLimit) }

    static func positive(_ v: Double, _ key: String) throws(RetargetConfigError) {
        guard v.isFinite, v > 0 else { throw .invalid(key: key, expected: "a finite number > 0") }
    }

    static func finite(_ v: Double, _ key: String) throws(RetargetConfigError) {
        guard v.isFinite else { throw .invalid(key: key, expected: "a finite number") }
    }

    static func range(_ v: Int64, _ key: String, min: Int64 = 0) throws(RetargetConfigError) {
        guard v >= min, v <= intLimit else {
            throw .invalid(key: key, expected: "an integer in [\(min), 2^62]")
        }
    }

    static func bounds(_ lo: Int64, _ hi: Int64,
                       keys: (min: String, max: String) = ("thetaMin", "thetaMax")) throws(RetargetConfigError) {
        try range(lo, keys.min)
        try range(hi, keys.max)
        guard lo <= hi else { throw .invalid(key: keys.max, expected: "an integer ≥ \(keys.min) (\(lo))") }
    }
}
