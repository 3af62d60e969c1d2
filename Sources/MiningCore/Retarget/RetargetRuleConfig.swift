import TOMLKit

/// A retarget rule chosen by configuration: the scenario's `[chain.retarget]` table, a JSON object
/// or `simctl inspect retarget --params`.
///
/// The table is flat: `rule = "ema" | "window" | "asert" | "fixed"` (default `"ema"`) plus that
/// rule's parameters, each optional with the devnet default:
/// - ema: `T, halfLife, beta, step, thetaMin, thetaMax` (spec §6)
/// - window: `T, window, maxFactor, thetaMin, thetaMax`
/// - asert: `T, halfLife (seconds), thetaMin, thetaMax`
/// - fixed: no parameters
/// A key the chosen rule does not have is an error naming the key (so a typo cannot silently fall
/// back to a default). Numbers may be written as integers or floats; integer parameters must be
/// whole numbers.
public enum RetargetRuleConfig: Sendable, Hashable {
    case ema(EMARetarget.Params)
    case window(WindowRetarget.Params)
    case asert(ASERTRetarget.Params)
    case fixed

    /// The devnet consensus rule.
    public static let devnet = RetargetRuleConfig.ema(.devnet)

    public static let ruleNames = ["ema", "window", "asert", "fixed"]

    public var ruleName: String {
        switch self {
        case .ema: return "ema"
        case .window: return "window"
        case .asert: return "asert"
        case .fixed: return "fixed"
        }
    }

    /// Builds the rule, validating the parameters.
    public func makeRule() throws(RetargetConfigError) -> AnyRetargetRule {
        switch self {
        case .ema(let p): return .ema(try EMARetarget(p))
        case .window(let p): return .window(try WindowRetarget(p))
        case .asert(let p): return .asert(try ASERTRetarget(p))
        case .fixed: return .fixed(FixedRetarget())
        }
    }

    /// Reads a flat table (see the type's documentation) and validates it.
    public init(table: [String: JSONValue]) throws(RetargetConfigError) {
        var reader = RetargetParamReader(table)
        let rule = try reader.string("rule", default: "ema")
        switch rule {
        case "ema": self = .ema(try EMARetarget.Params(reading: &reader))
        case "window": self = .window(try WindowRetarget.Params(reading: &reader))
        case "asert": self = .asert(try ASERTRetarget.Params(reading: &reader))
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
            return ["rule": "asert", "T": .double(p.T), "halfLife": .double(p.halfLife),
                    "thetaMin": .int(p.thetaMin), "thetaMax": .int(p.thetaMax)]
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

    /// Fails on the first (by code point) key no reader asked for.
    func rejectUnknownKeys() throws(RetargetConfigError) {
        let unknown = JSONValue.sortedKeys(table.filter { !used.contains($0.key) })
        if let k = unknown.first { throw .unknownKey(k) }
    }
}
