/// Decoding of each rule's parameters from a flat table (JSON object or TOML table): every key is
/// optional with the devnet default, integers may be written as whole floats and vice versa, and an
/// unknown key is an error naming it. `Decodable` goes through the same reader, so JSON and TOML
/// give the same messages.
extension EMARetarget.Params {
    init(reading r: inout RetargetParamReader) throws(RetargetConfigError) {
        let d = Self.devnet
        self.init(T: try r.double("T", default: d.T),
                  halfLife: try r.double("halfLife", default: d.halfLife),
                  beta: try r.double("beta", default: d.beta),
                  step: try r.int("step", default: d.step),
                  thetaMin: try r.int("thetaMin", default: d.thetaMin),
                  thetaMax: try r.int("thetaMax", default: d.thetaMax))
    }

    /// Reads a flat table of this rule's keys (no `rule` key).
    public init(table: [String: JSONValue]) throws(RetargetConfigError) {
        self = try RetargetParamReader.read(table) { r throws(RetargetConfigError) in try Self(reading: &r) }
    }

    public init(from decoder: any Decoder) throws {
        self = try RetargetParamReader.decode(decoder) { t throws(RetargetConfigError) in try Self(table: t) }
    }
}

extension WindowRetarget.Params {
    init(reading r: inout RetargetParamReader) throws(RetargetConfigError) {
        let d = Self.devnet
        self.init(T: try r.double("T", default: d.T),
                  window: try r.int("window", default: d.window),
                  maxFactor: try r.double("maxFactor", default: d.maxFactor),
                  thetaMin: try r.int("thetaMin", default: d.thetaMin),
                  thetaMax: try r.int("thetaMax", default: d.thetaMax))
    }

    public init(table: [String: JSONValue]) throws(RetargetConfigError) {
        self = try RetargetParamReader.read(table) { r throws(RetargetConfigError) in try Self(reading: &r) }
    }

    public init(from decoder: any Decoder) throws {
        self = try RetargetParamReader.decode(decoder) { t throws(RetargetConfigError) in try Self(table: t) }
    }
}

extension ASERTv1.Params {
    /// The chain document's names (`targetBlockMs`, `halfLifeMs`, `thetaMinMicro`,
    /// `thetaMaxMicro`), or the research rule's older ones (`T` and `halfLife` in seconds,
    /// `thetaMin`, `thetaMax`) so existing scenarios keep working; a pair given both ways is an
    /// error naming the second.
    init(reading r: inout RetargetParamReader) throws(RetargetConfigError) {
        let d = Self.devnet
        self.init(targetBlockMs: try r.milliseconds("targetBlockMs", seconds: "T", default: d.targetBlockMs),
                  halfLifeMs: try r.milliseconds("halfLifeMs", seconds: "halfLife", default: d.halfLifeMs),
                  thetaMinMicro: try r.int("thetaMinMicro", alias: "thetaMin", default: d.thetaMinMicro),
                  thetaMaxMicro: try r.int("thetaMaxMicro", alias: "thetaMax", default: d.thetaMaxMicro))
    }

    public init(table: [String: JSONValue]) throws(RetargetConfigError) {
        self = try RetargetParamReader.read(table) { r throws(RetargetConfigError) in try Self(reading: &r) }
    }
}

extension RetargetParamReader {
    /// Reads a flat table with `build`, then refuses any key `build` did not read.
    static func read<T>(_ table: [String: JSONValue],
                        _ build: (inout RetargetParamReader) throws(RetargetConfigError) -> T) throws(RetargetConfigError) -> T {
        var r = RetargetParamReader(table)
        let value = try build(&r)
        try r.rejectUnknownKeys()
        return value
    }

    /// Decodes a `[String: JSONValue]` and builds a value from it, turning a
    /// ``RetargetConfigError`` into `DecodingError.dataCorrupted` with the same message.
    static func decode<T>(_ decoder: any Decoder,
                          _ build: ([String: JSONValue]) throws(RetargetConfigError) -> T) throws -> T {
        let c = try decoder.singleValueContainer()
        let table = try c.decode([String: JSONValue].self)
        do {
            return try build(table)
        } catch {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: error.description)
        }
    }
}
