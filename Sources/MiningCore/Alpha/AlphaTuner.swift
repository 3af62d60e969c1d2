/// The optional α tuner of spec §7: slowly moves the per-type fairness weights α_t (10^9 = 1.0)
/// towards a target mix of proof types. Off by default: with `enabled = false`, α never moves.
///
/// Per block, for every type: `ema_t ← ema_t − (ema_t >> 8) + (units_t << 8)`.
/// After every `cooldown`-th block (block count since the initial state ≡ 0 mod cooldown):
///
///     share_t  = ema_t·10^6 / Σema
///     α_t      ← clamp(α_t · clamp(target_t·10^6 / max(10, share_t), 950000, 1050000) / 10^6, αmin, αmax)
///     norm     = Σ α_t·target_t / 10^9
///     if norm ≠ 10^6:  α_t ← clamp(α_t·10^6 / norm, αmin, αmax)
///
/// with `αmin = 0.25·10^9`, `αmax = 4·10^9`. All integer, floor division (every operand is ≥ 0, so
/// floor and truncation agree). A type whose share is below its target gets up to +5% per tuning,
/// an over-represented one down to −5%; renormalisation keeps the target-weighted mean α at 1.0.
///
/// Overflow: `units_t` is clamped to `[0, 2^40]` per block, which bounds `ema_t ≤ 2^56 + 2^8` and
/// `Σema < 2^59`; `ema_t·10^6` (≤ 2^76) and the α products are taken in `Int128` so nothing can
/// trap. Decisions beyond the spec (docs/decisions/retarget-nullifiers.md): when `Σema = 0` (no
/// units seen yet) a tuning is skipped; when `norm = 0` (impossible with a valid config, since
/// targets sum to 10^6 and α ≥ αmin) renormalisation is skipped.
public struct AlphaTuner: Sendable, Hashable {
    public static let one: Int64 = 1_000_000_000
    public static let alphaMin: Int64 = 250_000_000
    public static let alphaMax: Int64 = 4_000_000_000
    /// Per-block `units_t` cap (see the overflow note).
    public static let unitsMax: Int64 = 1 << 40

    public struct Config: Sendable, Hashable {
        public var enabled: Bool
        /// Blocks between tunings (spec default 32).
        public var cooldown: Int64
        /// Target share of each type, ppm; they sum to 10^6.
        public var targetPpm: [ProofType: Int64]

        /// Equal targets (200000 ppm each), cooldown 32, disabled.
        public static let `default` = try! Config()

        public init(enabled: Bool = false, cooldown: Int64 = 32,
                    targetPpm: [ProofType: Int64] = Dictionary(uniqueKeysWithValues: ProofType.allCases.map { ($0, 200_000) }))
            throws(AlphaTunerError)
        {
            guard cooldown >= 1 else { throw .invalid(key: "cooldown", expected: "an integer ≥ 1") }
            var sum: Int64 = 0
            for t in ProofType.allCases {
                let v = targetPpm[t] ?? 0
                guard (0...1_000_000).contains(v) else {
                    throw .invalid(key: "targetPpm.\(t.policyName)", expected: "an integer in [0, 1000000]")
                }
                sum += v
            }
            guard sum == 1_000_000 else {
                throw .invalid(key: "targetPpm", expected: "targets summing to 1000000 ppm (got \(sum))")
            }
            self.enabled = enabled
            self.cooldown = cooldown
            self.targetPpm = targetPpm
        }

        /// Reads `{enabled, cooldown, targetPpm: {HASHSHARE: …, AI: …}}`; every key optional, missing
        /// types in `targetPpm` are 0, unknown keys are errors naming the key.
        public init(table: [String: JSONValue]) throws(AlphaTunerError) {
            var enabled = false, cooldown: Int64 = 32
            var targets = Self.default.targetPpm
            for key in JSONValue.sortedKeys(table) {
                switch (key, table[key]!) {
                case ("enabled", .bool(let b)): enabled = b
                case ("cooldown", .int(let i)): cooldown = i
                case ("targetPpm", .object(let o)):
                    targets = [:]
                    for name in JSONValue.sortedKeys(o) {
                        guard let t = ProofType(policyName: name) else { throw .unknownKey("targetPpm.\(name)") }
                        guard case .int(let v) = o[name]! else {
                            throw .invalid(key: "targetPpm.\(name)", expected: "an integer")
                        }
                        targets[t] = v
                    }
                case ("enabled", _): throw .invalid(key: key, expected: "true or false")
                case ("cooldown", _): throw .invalid(key: key, expected: "an integer ≥ 1")
                case ("targetPpm", _): throw .invalid(key: key, expected: "a table of type name → ppm")
                default: throw .unknownKey(key)
                }
            }
            try self.init(enabled: enabled, cooldown: cooldown, targetPpm: targets)
        }
    }

    /// Per-type values are indexed by `ProofType.rawValue − 1` (HASHSHARE, AI, QUANTUM, STORAGE, VDF).
    public struct State: Sendable, Hashable {
        public var ema: [Int64]
        public var alpha: [Int64]
        /// Blocks observed since the initial state.
        public var blocks: Int64

        public func alpha(_ t: ProofType) -> Int64 { alpha[Int(t.rawValue) - 1] }
        public func ema(_ t: ProofType) -> Int64 { ema[Int(t.rawValue) - 1] }
    }

    public let config: Config
    private let targets: [Int64]

    public init(_ config: Config = .default) {
        self.config = config
        self.targets = ProofType.allCases.map { config.targetPpm[$0] ?? 0 }
    }

    /// Starts from the policy's α (types not given start at 1.0) with empty EMAs.
    public func initialState(alpha: [ProofType: Int64] = [:]) -> State {
        State(ema: Array(repeating: 0, count: ProofType.allCases.count),
              alpha: ProofType.allCases.map { alpha[$0] ?? Self.one }, blocks: 0)
    }

    /// The state after one block carrying `units[t]` of each type (absent types: 0). What a unit is
    /// is the caller's choice (accepted proofs, or credited ψ) as long as it is the same for all types.
    public func next(_ state: State, units: [ProofType: Int64]) -> State {
        var s = state
        for (i, t) in ProofType.allCases.enumerated() {
            let u = min(max(units[t] ?? 0, 0), Self.unitsMax)
            let (sum, overflow) = (s.ema[i] - (s.ema[i] >> 8)).addingReportingOverflow(u << 8)
            s.ema[i] = overflow ? .max : sum   // unreachable from the initial state; guards a hand-made one
        }
        s.blocks += 1
        if config.enabled, s.blocks % config.cooldown == 0 { s.alpha = tune(ema: s.ema, alpha: s.alpha) }
        return s
    }

    /// One tuning step (the `every cooldown blocks` part), exposed for tests and reports.
    public func tune(ema: [Int64], alpha: [Int64]) -> [Int64] {
        let total = ema.reduce(Int128(0)) { $0 + Int128($1) }
        guard total > 0 else { return alpha }
        var out = alpha
        for i in out.indices {
            let share = Int128(ema[i]) * 1_000_000 / total
            let factor = Self.clamp(Int128(targets[i]) * 1_000_000 / max(10, share), 950_000, 1_050_000)
            out[i] = Self.clampAlpha(Int128(out[i]) * factor / 1_000_000)
        }
        var norm: Int128 = 0
        for i in out.indices { norm += Int128(out[i]) * Int128(targets[i]) }
        norm /= 1_000_000_000
        if norm != 1_000_000, norm > 0 {
            for i in out.indices { out[i] = Self.clampAlpha(Int128(out[i]) * 1_000_000 / norm) }
        }
        return out
    }

    private static func clamp(_ v: Int128, _ lo: Int128, _ hi: Int128) -> Int128 { min(max(v, lo), hi) }
    private static func clampAlpha(_ v: Int128) -> Int64 { Int64(clamp(v, Int128(alphaMin), Int128(alphaMax))) }
}

/// Why an α tuner configuration was rejected; names the key.
public enum AlphaTunerError: Error, Hashable, CustomStringConvertible {
    case unknownKey(String)
    case invalid(key: String, expected: String)

    public var description: String {
        switch self {
        case .unknownKey(let k): return "\(k): unknown key"
        case .invalid(let k, let e): return "\(k): expected \(e)"
        }
    }
}
