import Foundation

/// The block header template served to miners (spec section 2), in the JSON shape of the seed
/// design and the vectors. Decoding is strict — every field present, no unknown keys, hashes
/// exactly `0x` + 64 lowercase hex digits, integers in range — so a template that decodes encodes
/// back to the same JSON (Stratum/getwork serve it again), and a bad one is rejected with the
/// field's path (``DecodeError``).
public struct HeaderTemplate: Sendable, Equatable, Hashable {
    /// The only u-draw domain tag of v1; it is also written into the sign-bytes.
    public static let uDomainTag = "animica:u-draw:v1"

    public struct Params: Sendable, Equatable, Hashable {
        /// Θ in µ-nats (non-negative; a u64 in the sign-bytes).
        public var thetaMicro: Int64
        /// Γ in nats — informational, bound through `policyRoots.poiesPolicy`.
        public var gammaCap: Double
        /// Escort fraction — informational, bound through `policyRoots.poiesPolicy`.
        public var escortQ: Double
        public init(thetaMicro: Int64, gammaCap: Double, escortQ: Double) {
            self.thetaMicro = thetaMicro; self.gammaCap = gammaCap; self.escortQ = escortQ
        }
    }

    public struct PolicyRoots: Sendable, Equatable, Hashable {
        public var poiesPolicy: [UInt8]
        public var algPolicy: [UInt8]
        public init(poiesPolicy: [UInt8], algPolicy: [UInt8]) {
            self.poiesPolicy = poiesPolicy; self.algPolicy = algPolicy
        }
    }

    public struct NonceDomain: Sendable, Equatable, Hashable {
        public var mixSeed: [UInt8]
        /// Always ``HeaderTemplate/uDomainTag`` in v1 (the decoder rejects anything else).
        public var uDomainTag: String
        public init(mixSeed: [UInt8], uDomainTag: String = HeaderTemplate.uDomainTag) {
            self.mixSeed = mixSeed; self.uDomainTag = uDomainTag
        }
    }

    public struct Extra: Sendable, Equatable, Hashable {
        public var mempoolSnapshotId: String
        public var templateId: String
        public init(mempoolSnapshotId: String, templateId: String) {
            self.mempoolSnapshotId = mempoolSnapshotId; self.templateId = templateId
        }
    }

    public var chainId: UInt32
    public var height: UInt64
    public var parentHash: [UInt8]
    public var stateRoot: [UInt8]
    public var txsRoot: [UInt8]
    public var proofsRoot: [UInt8]
    public var daRoot: [UInt8]
    public var params: Params
    public var policyRoots: PolicyRoots
    public var nonceDomain: NonceDomain
    /// Unix time in milliseconds.
    public var time: UInt64
    /// Free UTF-8 text (may be non-ASCII); the sign-bytes carry its SHA3-256.
    public var coinbase: String
    public var extra: Extra

    public init(
        chainId: UInt32, height: UInt64, parentHash: [UInt8], stateRoot: [UInt8], txsRoot: [UInt8],
        proofsRoot: [UInt8], daRoot: [UInt8], params: Params, policyRoots: PolicyRoots,
        nonceDomain: NonceDomain, time: UInt64, coinbase: String, extra: Extra
    ) {
        self.chainId = chainId; self.height = height; self.parentHash = parentHash
        self.stateRoot = stateRoot; self.txsRoot = txsRoot; self.proofsRoot = proofsRoot
        self.daRoot = daRoot; self.params = params; self.policyRoots = policyRoots
        self.nonceDomain = nonceDomain; self.time = time; self.coinbase = coinbase; self.extra = extra
    }
}

// MARK: - Errors

extension HeaderTemplate {
    /// Why a template JSON was rejected: `field` is the dotted path (`params.thetaMicro`, empty
    /// for the document itself) and `expected` says what would have been accepted.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let expected: String
        public init(field: String, expected: String) { self.field = field; self.expected = expected }
        public var description: String { "\(field.isEmpty ? "template" : field): \(expected)" }
    }

    /// Decodes a template from JSON bytes, reporting the failing field's path.
    public static func decode(json: Data) throws(DecodeError) -> HeaderTemplate {
        do {
            return try JSONDecoder().decode(HeaderTemplate.self, from: json)
        } catch let e as DecodingError {
            throw DecodeError(e)
        } catch {
            throw DecodeError(field: "", expected: "a JSON template object (\(error))")
        }
    }

    /// Encodes the template as JSON in its wire shape (keys sorted, so output is stable).
    public func encodeJSON() -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and finite doubles cannot fail.
        return try! enc.encode(self)
    }
}

extension HeaderTemplate.DecodeError {
    init(_ e: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch e {
        case .keyNotFound(let key, let ctx):
            self.init(field: path(ctx.codingPath + [key]), expected: "missing (required field)")
        case .typeMismatch(let type, let ctx):
            self.init(field: path(ctx.codingPath), expected: "expected \(Self.describe(type))")
        case .valueNotFound(let type, let ctx):
            self.init(field: path(ctx.codingPath), expected: "expected \(Self.describe(type)), got null")
        case .dataCorrupted(let ctx):
            if ctx.codingPath.isEmpty {
                self.init(field: "", expected: "malformed JSON")
            } else {
                self.init(field: path(ctx.codingPath), expected: ctx.debugDescription)
            }
        @unknown default:
            self.init(field: "", expected: "\(e)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is UInt32.Type: return "an integer in 0…4294967295"
        case is UInt64.Type: return "an integer in 0…18446744073709551615"
        case is Int64.Type: return "an integer"
        case is Double.Type: return "a number"
        default: return "\(type)".contains("Dictionary") ? "an object" : "a value of type \(type)"
        }
    }
}

// MARK: - Codable

extension HeaderTemplate: Codable {
    enum Keys: String, CodingKey, CaseIterable {
        case chainId, height, parentHash, stateRoot, txsRoot, proofsRoot, daRoot, params,
            policyRoots, nonceDomain, time, coinbase, extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        try TemplateDecoding.rejectUnknownKeys(decoder, allowed: Keys.allCases.map(\.rawValue))
        chainId = try TemplateDecoding.integer(c, .chainId)
        height = try TemplateDecoding.integer(c, .height)
        parentHash = try TemplateDecoding.hash(c, .parentHash)
        stateRoot = try TemplateDecoding.hash(c, .stateRoot)
        txsRoot = try TemplateDecoding.hash(c, .txsRoot)
        proofsRoot = try TemplateDecoding.hash(c, .proofsRoot)
        daRoot = try TemplateDecoding.hash(c, .daRoot)
        params = try c.decode(Params.self, forKey: .params)
        policyRoots = try c.decode(PolicyRoots.self, forKey: .policyRoots)
        nonceDomain = try c.decode(NonceDomain.self, forKey: .nonceDomain)
        time = try TemplateDecoding.integer(c, .time)
        coinbase = try c.decode(String.self, forKey: .coinbase)
        extra = try c.decode(Extra.self, forKey: .extra)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(chainId, forKey: .chainId)
        try c.encode(height, forKey: .height)
        try c.encode(Hex.encode(parentHash), forKey: .parentHash)
        try c.encode(Hex.encode(stateRoot), forKey: .stateRoot)
        try c.encode(Hex.encode(txsRoot), forKey: .txsRoot)
        try c.encode(Hex.encode(proofsRoot), forKey: .proofsRoot)
        try c.encode(Hex.encode(daRoot), forKey: .daRoot)
        try c.encode(params, forKey: .params)
        try c.encode(policyRoots, forKey: .policyRoots)
        try c.encode(nonceDomain, forKey: .nonceDomain)
        try c.encode(time, forKey: .time)
        try c.encode(coinbase, forKey: .coinbase)
        try c.encode(extra, forKey: .extra)
    }
}

extension HeaderTemplate.Params: Codable {
    enum Keys: String, CodingKey, CaseIterable { case thetaMicro, gammaCap, escortQ }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        try TemplateDecoding.rejectUnknownKeys(decoder, allowed: Keys.allCases.map(\.rawValue))
        thetaMicro = try TemplateDecoding.integer(c, .thetaMicro, in: 0...Int64.max)
        gammaCap = try TemplateDecoding.finite(c, .gammaCap)
        escortQ = try TemplateDecoding.finite(c, .escortQ)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(thetaMicro, forKey: .thetaMicro)
        try c.encode(gammaCap, forKey: .gammaCap)
        try c.encode(escortQ, forKey: .escortQ)
    }
}

extension HeaderTemplate.PolicyRoots: Codable {
    enum Keys: String, CodingKey, CaseIterable { case poiesPolicy, algPolicy }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        try TemplateDecoding.rejectUnknownKeys(decoder, allowed: Keys.allCases.map(\.rawValue))
        poiesPolicy = try TemplateDecoding.hash(c, .poiesPolicy)
        algPolicy = try TemplateDecoding.hash(c, .algPolicy)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Hex.encode(poiesPolicy), forKey: .poiesPolicy)
        try c.encode(Hex.encode(algPolicy), forKey: .algPolicy)
    }
}

extension HeaderTemplate.NonceDomain: Codable {
    enum Keys: String, CodingKey, CaseIterable { case mixSeed, uDomainTag }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        try TemplateDecoding.rejectUnknownKeys(decoder, allowed: Keys.allCases.map(\.rawValue))
        mixSeed = try TemplateDecoding.hash(c, .mixSeed)
        uDomainTag = try c.decode(String.self, forKey: .uDomainTag)
        guard uDomainTag == HeaderTemplate.uDomainTag else {
            throw DecodingError.dataCorruptedError(
                forKey: .uDomainTag, in: c,
                debugDescription: "expected \"\(HeaderTemplate.uDomainTag)\" (the only v1 tag), got \"\(uDomainTag)\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Hex.encode(mixSeed), forKey: .mixSeed)
        try c.encode(uDomainTag, forKey: .uDomainTag)
    }
}

extension HeaderTemplate.Extra: Codable {
    enum Keys: String, CodingKey, CaseIterable { case mempoolSnapshotId, templateId }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        try TemplateDecoding.rejectUnknownKeys(decoder, allowed: Keys.allCases.map(\.rawValue))
        mempoolSnapshotId = try c.decode(String.self, forKey: .mempoolSnapshotId)
        templateId = try c.decode(String.self, forKey: .templateId)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(mempoolSnapshotId, forKey: .mempoolSnapshotId)
        try c.encode(templateId, forKey: .templateId)
    }
}

/// Strict decoding helpers shared by the template's nested objects.
enum TemplateDecoding {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Rejects keys outside `allowed` (a typo such as `thetamicro` must not silently vanish).
    static func rejectUnknownKeys(_ decoder: any Decoder, allowed: [String]) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        let unknown = c.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath + [AnyKey(stringValue: first)],
                debugDescription: "unknown field (expected one of \(allowed.joined(separator: ", ")))"))
        }
    }

    /// A 32-byte hash: exactly `0x` + 64 lowercase hex digits, the wire form, so it re-encodes
    /// to the same text.
    static func hash<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> [UInt8] {
        let s = try c.decode(String.self, forKey: key)
        let lowerHex = s.utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        guard s.hasPrefix("0x"), s.utf8.count == 66, lowerHex, let bytes = try? Hex.decode(s, bytes: 32) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: c, debugDescription: "expected 0x + 64 lowercase hex digits, got \"\(s.prefix(80))\"")
        }
        return bytes
    }

    /// An integer in `range` (default: all of `T`). Foundation's decoder reports out-of-range
    /// numbers without a coding path, so the key is attached here.
    static func integer<T: FixedWidthInteger & Decodable, K: CodingKey>(
        _ c: KeyedDecodingContainer<K>, _ key: K, in range: ClosedRange<T> = T.min...T.max
    ) throws -> T {
        let expected = range.lowerBound == 0
            ? "expected a non-negative integer ≤ \(range.upperBound)"
            : "expected an integer in \(range.lowerBound)…\(range.upperBound)"
        let v: T
        do {
            v = try c.decode(T.self, forKey: key)
        } catch DecodingError.keyNotFound(let k, let ctx) {
            throw DecodingError.keyNotFound(k, ctx)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: expected)
        }
        guard range.contains(v) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(expected), got \(v)")
        }
        return v
    }

    static func finite<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        let d = try c.decode(Double.self, forKey: key)
        guard d.isFinite else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "expected a finite number")
        }
        return d
    }
}
