import MiningCore

/// VDF (Wesolowski) verifier — being implemented.
public struct WesolowskiVerifier: ProofVerifier {
    public init() {}
    public func verify(_ envelope: ProofEnvelope, context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        .failure(Rejection(.unknownType, field: "type_id", "VDF verifier not implemented yet"))
    }
}
