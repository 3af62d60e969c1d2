import TOMLKit

/// A retarget rule chosen by configuration: the scenario's `[chain.retarget]` table, a JSON object
/// or `simctl inspect retarget --params`.
///
/// The table is flat: `rule` plus that rule's parameters, each optional with the devnet default
/// (`devnet-chain.toml`: 2 s blocks, Θ ∈ [1, 64] nats):
/// - `ema-v1` (alias `ema`, the default rule): `T, halfLife, beta, step, thetaMin, thetaMax` (§6.1)
/// - `asert-v1` (alias `asert`): `targetBlockMs, halfLifeMs, thetaMinMicro, thetaMaxMicro` (§6.2),
///   or the older research names `T` and `halfLife` in seconds, `thetaMin`, `thetaMax`
/// - `window` (research only): `T, window, maxFactor, thetaMin, thetaMax`
/// - `fixed` (research only): no parameters
/// A key the chosen rule does not have is an error naming the key (so a typo cannot silently fall
/// back to a default). Numbers may be written as integers or floats; integer parameters must be
/// whole numbers. The default rule stays `ema` so scenarios written before v1.1 keep their meaning.
public enum RetargetRuleConfig: Sendable, Hashable {
    case ema(EMARetarget.Params)
    case window(WindowRetarget.Params)
    case asert(ASERTv1.Params)
    case fixed

    /// The devnet consensus rule (spec v1.1: `asert-v1`).
    public static let devnet = RetargetRuleConfig.asert(.devnet)

    /// Accepted names, canonical first; `ema` and `asert` are aliases of the consensus rules.
    public static let ruleNames = ["ema-v1", "asert-v1", "window", "fixed", "ema", "asert"]

    /// The canonical name (`ema-v1`, `asert-v1`, `window`, `fixed`).
    public var ruleName: String {
        switch self {
        case .ema: return "ema-v1"
        case .window: return "window"
        case .asert: return "asert-v1"
        case .fixed: return "fixed"
        }
    }

    /// Builds the rule, validating the parameters.
    public func makeRule() throws(RetargetConfigError) -> AnyRetargetRule {
        switch self {
        case .ema(let p): return .ema(try EMARetarget(p))
        case .window(let p): return .window(try WindowRetarget(p))
        case .asert(let p): return .asert(try ASERTv1(p))
        case .fixed: return .fixed(FixedRetarget())
        }
    }

    /// Reads a flat table (see the type's documentation) and validates it.
    public init(table: [String: JSONValue]) throws(RetargetConfigError) {
        var reader = RetargetParamReader(table)
        let rule = try reader.string("rule", default: "ema")
        switch rule {
        case "ema", "ema-v1": self = .ema(try EMARetarget.Params(reading: &reader))
        case "window": self = .window(try WindowRetarget.Params(reading: &reader))
        case "asert", "asert-v1": self = .asert(try ASERTv1.Params(reading: &reader))
        case "fixed":
            self = .fixed
        default:
            throw .unknownRule(rule)
        }
        try reader.rejectUnknownKeys()
        _ = try makeRule()
    }

    /// Reads a TOMLKit table (e.g. a scenario's `[chain.retarget]`).
    public init(tomlTable: TOMLTable) throws(RetargetConfigError) {
        try self.init(table: try Self.flatTable(tomlTable))
    }

    /// Parses TOML text whose top level is the retarget table.
    public init(toml: String) throws(RetargetConfigError) {
        try self.init(table: try Self.flatTable(toml: toml))
    }

    /// The scalar keys of TOML text as a flat table, not yet validated (so a caller can merge in
    /// a command-line `rule` first). Sub-tables, arrays and dates are errors naming the key.
    public static func flatTable(toml: String) throws(RetargetConfigError) -> [String: JSONValue] {
        if let bad = TOMLHeaderGuard.firstBadHeader(toml) {
            throw .malformed("TOML line \(bad.line): \(bad.problem)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: toml)
        } catch let e as TOMLParseError {
            throw .malformed("TOML \(e.source.begin.debugDescription): \(e.description)")
        } catch {
            throw .malformed("TOML: \(error)")
        }
        return try flatTable(table)
    }

    static func flatTable(_ tomlTable: TOMLTable) throws(RetargetConfigError) -> [String: JSONValue] {
        var table: [String: JSONValue] = [:]
        for key in tomlTable.keys {
            guard let v = tomlTable[key] else { continue }
            if let i = v.int { table[key] = .int(Int64(i)) }
            else if let d = v.double { table[key] = .double(d) }
            else if let s = v.string { table[key] = .string(s) }
            else if let b = v.bool { table[key] = .bool(b) }
            else { throw .invalid(key: key, expected: "a number or a string, not a TOML \(v.type)") }
        }
        return table
    }

    /// The flat table this configuration reads back from (every key explicit).
    public var table: [String: JSONValue] {
        switch self {
        case .ema(let p):
            return ["rule": "ema", "T": .double(p.T), "halfLife": .double(p.halfLife), "beta": .double(p.beta),
                    "step": .int(p.step), "thetaMin": .int(p.thetaMin), "thetaMax": .int(p.thetaMax)]
        case .window(let p):
            return ["rule": "window", "T": .double(p.T), "window": .int(p.window), "maxFactor": .double(p.maxFactor),
                    "thetaMin": .int(p.thetaMin), "thetaMax": .int(p.thetaMax)]
        case .asert(let p):
            return ["rule": "asert-v1", "targetBlockMs": .int(p.targetBlockMs), "halfLifeMs": .int(p.halfLifeMs),
                    "thetaMinMicro": .int(p.thetaMinMicro), "thetaMaxMicro": .int(p.thetaMaxMicro)]
        case .fixed:
            return ["rule": "fixed"]
        }
    }
}

extension RetargetRuleConfig: Codable {
    /// Decodes the flat table; a rejection becomes a `DecodingError.dataCorrupted` carrying the
    /// ``RetargetConfigError`` message (which names the key).
    public init(from decoder: any Decoder) throws {
        self = try RetargetParamReader.decode(decoder) { t throws(RetargetConfigError) in try Self(table: t) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(table)
    }
}

/// Reads typed values out of a flat table, remembering which keys were used.
struct RetargetParamReader {
    let table: [String: JSONValue]
    var used: Set<String> = []

    init(_ table: [String: JSONValue]) { self.table = table }

    mutating func string(_ key: String, default d: String) throws(RetargetConfigError) -> String {
        used.insert(key)
        guard let v = table[key] else { return d }
        guard case .string(let s) = v else { throw .invalid(key: key, expected: "a string") }
        return s
    }

    mutating func double(_ key: String, default d: Double) throws(RetargetConfigError) -> Double {
        used.insert(key)
        switch table[key] {
        case nil: return d
        case .int(let i)?: return Double(i)
        case .double(let x)?: return x
        default: throw .invalid(key: key, expected: "a number")
        }
    }

    mutating func int(_ key: String, default d: Int64) throws(RetargetConfigError) -> Int64 {
        used.insert(key)
        switch table[key] {
        case nil: return d
        case .int(let i)?: return i
        case .double(let x)? where x == x.rounded() && abs(x) < 9.2e18: return Int64(x)
        default: throw .invalid(key: key, expected: "an integer")
        }
    }

    /// An integer written under `key` or its older name `alias` (not both).
    mutating func int(_ key: String, alias: String, default d: Int64) throws(RetargetConfigError) -> Int64 {
        if table[key] != nil, table[alias] != nil {
            throw .invalid(key: alias, expected: "no value: \(key) is given too")
        }
        if table[key] == nil, table[alias] != nil {
            used.insert(key)
            return try int(alias, default: d)
        }
        used.insert(alias)
        return try int(key, default: d)
    }

    /// Milliseconds written under `key`, or seconds under `seconds` (a whole number of ms).
    mutating func milliseconds(_ key: String, seconds: String, default d: Int64) throws(RetargetConfigError) -> Int64 {
        if table[key] != nil, table[seconds] != nil {
            throw .invalid(key: seconds, expected: "no value: \(key) is given too")
        }
        guard table[key] == nil, table[seconds] != nil else {
            used.insert(seconds)
            return try int(key, default: d)
        }
        used.insert(key)
        let s = try double(seconds, default: 0)
        let ms = (s * 1000).rounded()
        guard s.isFinite, abs(s * 1000 - ms) < 1e-6 * max(1, abs(ms)), abs(ms) < 9e18 else {
            throw .invalid(key: seconds, expected: "seconds that are a whole number of milliseconds")
        }
        return Int64(ms)
    }

    /// Fails on the first (by code point) key no reader asked for.
    func rejectUnknownKeys() throws(RetargetConfigError) {
        let unknown = JSONValue.sortedKeys(table.filter { !used.contains($0.key) })
        if let k = unknown.first { throw .unknownKey(k) }
    }
}
