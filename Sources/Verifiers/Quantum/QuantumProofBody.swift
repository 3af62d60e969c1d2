import MiningCore

/// The `quantum:v1` body (documented in docs/decisions/useful-verifiers.md):
///
///     {"providerKey": "0x…32", "circuitDigest": "0x…32", "resultDigest": "0x…32",
///      "trapSeedCommit": "0x…32", "trapSeed": "0x…32", "trapOutcomes": [bitstring, …],
///      "trapCounts": [count, …], "trapRoot": "0x…32", "shots": n, "depth": d, "width": w,
///      "latencyMsP95": ms, "successPermil": 0…1000, "signature": "0x…64"}
///
/// `shots` is per trap; trap circuits have the job's `width` (3…16) and `depth` (gates, 1…1024).
public struct QuantumProofBody: Sendable, Equatable {
    public static let trapCountRange = 4...64
    public static let shotsRange: ClosedRange<UInt64> = 1...1_000_000

    public var providerKey: [UInt8]
    public var circuitDigest: [UInt8]
    public var resultDigest: [UInt8]
    public var trapSeedCommit: [UInt8]
    public var trapSeed: [UInt8]
    public var trapOutcomes: [UInt16]
    public var trapCounts: [UInt64]
    public var trapRoot: [UInt8]
    public var shots: UInt64
    public var depth: Int
    public var width: Int
    public var latencyMsP95: UInt64
    public var successPermil: UInt64
    public var signature: [UInt8]

    public init(providerKey: [UInt8], circuitDigest: [UInt8], resultDigest: [UInt8], trapSeedCommit: [UInt8],
                trapSeed: [UInt8], trapOutcomes: [UInt16], trapCounts: [UInt64], trapRoot: [UInt8], shots: UInt64,
                depth: Int, width: Int, latencyMsP95: UInt64, successPermil: UInt64, signature: [UInt8]) {
        self.providerKey = providerKey
        self.circuitDigest = circuitDigest
        self.resultDigest = resultDigest
        self.trapSeedCommit = trapSeedCommit
        self.trapSeed = trapSeed
        self.trapOutcomes = trapOutcomes
        self.trapCounts = trapCounts
        self.trapRoot = trapRoot
        self.shots = shots
        self.depth = depth
        self.width = width
        self.latencyMsP95 = latencyMsP95
        self.successPermil = successPermil
        self.signature = signature
    }

    /// The signed object: spec section 8's fields plus `latencyMsP95` and `successPermil`, which
    /// `qos` reads and which therefore must be signed too.
    public var attestation: JSONValue {
        ["circuitDigest": .string(Hex.encode(circuitDigest)), "resultDigest": .string(Hex.encode(resultDigest)),
         "trapRoot": .string(Hex.encode(trapRoot)), "shots": .int(Int64(shots)),
         "trapCounts": .array(trapCounts.map { .int(Int64($0)) }), "depth": .int(Int64(depth)),
         "width": .int(Int64(width)), "latencyMsP95": .int(Int64(latencyMsP95)),
         "successPermil": .int(Int64(successPermil))]
    }

    /// Nullifier identity: SHA3-256(providerKey) ‖ circuitDigest ‖ resultDigest ‖ trapRoot.
    public var nullifierIdentity: [UInt8] { SHA3_256.hash(providerKey) + circuitDigest + resultDigest + trapRoot }

    public func nullifier(chainId: UInt32) -> [UInt8] {
        Nullifier(type: .quantum, identityBytes: nullifierIdentity, chainId: chainId).bytes
    }

    public var json: JSONValue {
        ["providerKey": .string(Hex.encode(providerKey)), "circuitDigest": .string(Hex.encode(circuitDigest)),
         "resultDigest": .string(Hex.encode(resultDigest)), "trapSeedCommit": .string(Hex.encode(trapSeedCommit)),
         "trapSeed": .string(Hex.encode(trapSeed)), "trapOutcomes": .array(trapOutcomes.map { .int(Int64($0)) }),
         "trapCounts": .array(trapCounts.map { .int(Int64($0)) }), "trapRoot": .string(Hex.encode(trapRoot)),
         "shots": .int(Int64(shots)), "depth": .int(Int64(depth)), "width": .int(Int64(width)),
         "latencyMsP95": .int(Int64(latencyMsP95)), "successPermil": .int(Int64(successPermil)),
         "signature": .string(Hex.encode(signature))]
    }

    public static func decode(_ v: JSONValue) throws(Rejection) -> QuantumProofBody {
        var o = try BodyReader(v, path: "body")
        let width = Int(try o.uint("width", UInt64(ReversibleCircuit.widthRange.lowerBound)...UInt64(ReversibleCircuit.widthRange.upperBound)))
        let depth = Int(try o.uint("depth", UInt64(ReversibleCircuit.depthRange.lowerBound)...UInt64(ReversibleCircuit.depthRange.upperBound)))
        let shots = try o.uint("shots", shotsRange)
        let outcomes = try o.array("trapOutcomes", count: trapCountRange).enumerated().map { (i, x) throws(Rejection) in
            UInt16(try BodyReader.uint(x, field: "body.trapOutcomes[\(i)]", 0...(UInt64(1) << width - 1)))
        }
        let counts = try o.array("trapCounts", count: outcomes.count...outcomes.count).enumerated().map { (i, x) throws(Rejection) in
            try BodyReader.uint(x, field: "body.trapCounts[\(i)]", 0...shots)
        }
        let body = QuantumProofBody(
            providerKey: try o.hex("providerKey", bytes: 32), circuitDigest: try o.hex("circuitDigest", bytes: 32),
            resultDigest: try o.hex("resultDigest", bytes: 32), trapSeedCommit: try o.hex("trapSeedCommit", bytes: 32),
            trapSeed: try o.hex("trapSeed", bytes: 32), trapOutcomes: outcomes, trapCounts: counts,
            trapRoot: try o.hex("trapRoot", bytes: 32), shots: shots, depth: depth, width: width,
            latencyMsP95: try o.uint("latencyMsP95", 0...QualityOfService.maxLatencyMs),
            successPermil: try o.uint("successPermil", 0...1000), signature: try o.hex("signature", bytes: 64))
        try o.finish()
        return body
    }
}
