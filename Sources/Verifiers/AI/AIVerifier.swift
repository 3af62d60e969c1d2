import MiningCore

/// The `ai:v1` verifier (spec section 8): schema → bindings → cryptography → metrics.
///
/// Metrics: `units = attested multiply-adds / 2^20` (one unit ≈ a million multiply-adds), with
/// the attested count required to equal `macsPerRow · (batch + traps)`; `qos` from
/// ``QualityOfService``; `traps = correct / total` after recomputing **every** trap answer;
/// `redundancy = 1` (one attested execution; a block builder that sees several proofs of the same
/// job may raise it — see docs/decisions/useful-verifiers.md).
public struct AIVerifier: BodyProofVerifier {
    public init() {}

    public static let unitsPerMac: Double = 1.0 / 1_048_576

    public static let proofType = ProofType.ai
    public static func decodeBody(_ body: JSONValue) throws(Rejection) -> AIProofBody { try AIProofBody.decode(body) }

    public static func verify(body: AIProofBody, nullifier: [UInt8], context: VerifierContext) throws(Rejection) -> ProofMetrics {
        // Bindings.
        let model = body.model
        guard model.isExact else {
            throw Rejection(.tooLarge, field: "body.model.layers",
                                  "activation bound \(model.activationBound) reaches 2^53; use smaller layers")
        }
        let traps = UInt64(body.trapAnswers.count)
        guard model.macsPerRow * traps <= AIProofBody.maxTrapMacs else {
            throw Rejection(.tooLarge, field: "body.model.layers",
                                  "recomputing \(traps) traps needs \(model.macsPerRow * traps) multiply-adds; at most \(AIProofBody.maxTrapMacs)")
        }
        let expectedUnits = model.macsPerRow * (body.batch + traps)
        guard body.units == expectedUnits else {
            throw Rejection(.mismatch, field: "body.units", "expected \(expectedUnits) = macsPerRow·(batch + traps)")
        }
        try context.checkTrapSeed(body.trapSeed, opens: body.trapSeedCommit)
        guard AITraps.root(trapSeedCommit: body.trapSeedCommit, answers: body.trapAnswers) == body.trapRoot else {
            throw Rejection(.tampered, field: "body.trapRoot", "the revealed trap answers do not hash to trapRoot")
        }
        try context.checkNullifier(derived: body.nullifier(chainId: context.chainId), claimed: nullifier)
        // Cryptography.
        try context.checkAttestation(providerKey: body.providerKey, signature: body.signature,
                                     message: body.attestation.canonicalBytes, for: .ai)
        // Metrics: recompute every trap.
        let correct = AITraps.correctAnswers(model: model, weights: model.weights(), trapSeed: body.trapSeed,
                                             count: body.trapAnswers.count)
        let right = zip(correct, body.trapAnswers).filter { $0 == $1 }.count
        return .ai(units: Double(body.units) * unitsPerMac,
                   qos: QualityOfService.qos(latencyMsP95: body.latencyMsP95, successPermil: body.successPermil),
                   traps: Double(right) / Double(traps), redundancy: 1)
    }
}
