import Foundation
import MiningCore

/// The `quantum:v1` verifier (spec section 8): schema → bindings → cryptography → metrics.
///
/// Metrics: `traps = Σ counts of traps whose committed outcome is the ideal one / (shots · traps)`
/// (a trap whose committed outcome is wrong contributes 0: its counts are of the wrong bitstring);
/// `units = depth · width · log1p(shots) · context.quantumUnitsScale`; `qos` as for AI.
public struct QuantumVerifier: BodyProofVerifier {
    public init() {}

    public static let proofType = ProofType.quantum
    public static func decodeBody(_ body: JSONValue) throws(Rejection) -> QuantumProofBody { try QuantumProofBody.decode(body) }

    public static func verify(body: QuantumProofBody, nullifier: [UInt8], context: VerifierContext) throws(Rejection) -> ProofMetrics {
        try context.checkTrapSeed(body.trapSeed, opens: body.trapSeedCommit)
        guard QuantumTraps.root(trapSeedCommit: body.trapSeedCommit, outcomes: body.trapOutcomes) == body.trapRoot else {
            throw Rejection(.tampered, field: "body.trapRoot", "the trap outcomes do not hash to trapRoot")
        }
        try context.checkNullifier(derived: body.nullifier(chainId: context.chainId), claimed: nullifier)
        try context.checkAttestation(providerKey: body.providerKey, signature: body.signature,
                                     message: body.attestation.canonicalBytes, for: .quantum)
        let circuits = QuantumTraps.circuits(trapSeed: body.trapSeed, count: body.trapOutcomes.count,
                                             width: body.width, depth: body.depth)
        var good: UInt64 = 0
        for (i, c) in circuits.enumerated() where c.idealOutput == body.trapOutcomes[i] {
            good += body.trapCounts[i]
        }
        let total = body.shots * UInt64(circuits.count)
        return .quantum(units: Double(body.depth) * Double(body.width) * log1p(Double(body.shots)) * context.quantumUnitsScale,
                        qos: QualityOfService.qos(latencyMsP95: body.latencyMsP95, successPermil: body.successPermil),
                        traps: Double(good) / Double(total))
    }
}
