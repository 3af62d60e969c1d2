import MiningCore

/// The `ai:v1` body (documented in docs/decisions/useful-verifiers.md):
///
///     {"model": {"modelId": "…", "seed": "0x…32", "layers": [16, 32, 8]},
///      "providerKey": "0x…32", "inputDigest": "0x…32", "outputDigest": "0x…32", "batch": n,
///      "trapSeedCommit": "0x…32", "trapSeed": "0x…32", "trapAnswers": ["0x…32", …],
///      "trapRoot": "0x…32", "units": macs, "latencyMsP95": ms, "successPermil": 0…1000,
///      "signature": "0x…64"}
public struct AIProofBody: Sendable, Equatable {
    public static let trapCountRange = 4...256
    public static let maxBatch: UInt64 = 1 << 20
    /// Verifier cost bound: recomputing all traps may take at most 2^24 multiply-adds.
    public static let maxTrapMacs: UInt64 = 1 << 24

    public var model: AIModel
    public var providerKey: [UInt8]
    public var inputDigest: [UInt8]
    public var outputDigest: [UInt8]
    public var batch: UInt64
    public var trapSeedCommit: [UInt8]
    public var trapSeed: [UInt8]
    public var trapAnswers: [[UInt8]]
    public var trapRoot: [UInt8]
    public var units: UInt64
    public var latencyMsP95: UInt64
    public var successPermil: UInt64
    public var signature: [UInt8]

    public init(model: AIModel, providerKey: [UInt8], inputDigest: [UInt8], outputDigest: [UInt8], batch: UInt64,
                trapSeedCommit: [UInt8], trapSeed: [UInt8], trapAnswers: [[UInt8]], trapRoot: [UInt8],
                units: UInt64, latencyMsP95: UInt64, successPermil: UInt64, signature: [UInt8]) {
        self.model = model
        self.providerKey = providerKey
        self.inputDigest = inputDigest
        self.outputDigest = outputDigest
        self.batch = batch
        self.trapSeedCommit = trapSeedCommit
        self.trapSeed = trapSeed
        self.trapAnswers = trapAnswers
        self.trapRoot = trapRoot
        self.units = units
        self.latencyMsP95 = latencyMsP95
        self.successPermil = successPermil
        self.signature = signature
    }

    /// The signed attestation of spec section 8; the message is its canonical JSON.
    public var attestation: JSONValue {
        ["modelDigest": .string(Hex.encode(model.digest)), "inputDigest": .string(Hex.encode(inputDigest)),
         "outputDigest": .string(Hex.encode(outputDigest)), "trapRoot": .string(Hex.encode(trapRoot)),
         "units": .int(Int64(units)), "latencyMsP95": .int(Int64(latencyMsP95)),
         "successPermil": .int(Int64(successPermil))]
    }

    /// Nullifier identity: SHA3-256(providerKey) ‖ modelDigest ‖ inputDigest ‖ outputDigest ‖ trapRoot.
    public var nullifierIdentity: [UInt8] {
        SHA3_256.hash(providerKey) + model.digest + inputDigest + outputDigest + trapRoot
    }

    public func nullifier(chainId: UInt32) -> [UInt8] {
        Nullifier(type: .ai, identityBytes: nullifierIdentity, chainId: chainId).bytes
    }

    public var json: JSONValue {
        ["model": model.json, "providerKey": .string(Hex.encode(providerKey)),
         "inputDigest": .string(Hex.encode(inputDigest)), "outputDigest": .string(Hex.encode(outputDigest)),
         "batch": .int(Int64(batch)), "trapSeedCommit": .string(Hex.encode(trapSeedCommit)),
         "trapSeed": .string(Hex.encode(trapSeed)),
         "trapAnswers": .array(trapAnswers.map { .string(Hex.encode($0)) }),
         "trapRoot": .string(Hex.encode(trapRoot)), "units": .int(Int64(units)),
         "latencyMsP95": .int(Int64(latencyMsP95)), "successPermil": .int(Int64(successPermil)),
         "signature": .string(Hex.encode(signature))]
    }

    /// Strict decoding (schema stage): exact keys, lowercase hex, integers in range.
    public static func decode(_ v: JSONValue) throws(Rejection) -> AIProofBody {
        var o = try BodyReader(v, path: "body")
        var m = try BodyReader(try o.value("model"), path: "body.model")
        let modelId = try m.string("modelId")
        guard (1...64).contains(modelId.utf8.count),
              modelId.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2e || $0 == 0x2d || $0 == 0x5f })
        else { throw Rejection(.outOfRange, field: "body.model.modelId", "expected 1–64 characters of a–z, 0–9, '.', '-', '_'") }
        let seed = try m.hex("seed", bytes: 32)
        let layers = try m.array("layers", count: AIModel.layerCountRange).enumerated().map { (i, x) throws(Rejection) in
            Int(try BodyReader.uint(x, field: "body.model.layers[\(i)]",
                                      UInt64(AIModel.layerSizeRange.lowerBound)...UInt64(AIModel.layerSizeRange.upperBound)))
        }
        try m.finish()
        let answers = try o.array("trapAnswers", count: trapCountRange).enumerated().map { (i, x) throws(Rejection) in
            try BodyReader.hex(x, field: "body.trapAnswers[\(i)]", bytes: 32)
        }
        let body = AIProofBody(
            model: AIModel(modelId: modelId, seed: seed, layers: layers),
            providerKey: try o.hex("providerKey", bytes: 32),
            inputDigest: try o.hex("inputDigest", bytes: 32),
            outputDigest: try o.hex("outputDigest", bytes: 32),
            batch: try o.uint("batch", 0...maxBatch),
            trapSeedCommit: try o.hex("trapSeedCommit", bytes: 32),
            trapSeed: try o.hex("trapSeed", bytes: 32),
            trapAnswers: answers,
            trapRoot: try o.hex("trapRoot", bytes: 32),
            units: try o.uint("units", 0...(1 << 62)),
            latencyMsP95: try o.uint("latencyMsP95", 0...QualityOfService.maxLatencyMs),
            successPermil: try o.uint("successPermil", 0...1000),
            signature: try o.hex("signature", bytes: 64))
        try o.finish()
        return body
    }
}
