import MiningCore

/// A proof that passed its verifier: what ψ and `proofsRoot` need.
public struct VerifiedProof: Sendable, Equatable {
    public let type: ProofType
    public let nullifier: [UInt8]
    public let metrics: ProofMetrics
    /// Canonical body JSON bytes (the `SHA3-256(canonical body JSON)` of a `proofsRoot` leaf).
    public let canonicalBody: [UInt8]

    public init(type: ProofType, nullifier: [UInt8], metrics: ProofMetrics, canonicalBody: [UInt8]) {
        self.type = type
        self.nullifier = nullifier
        self.metrics = metrics
        self.canonicalBody = canonicalBody
    }

    /// The verified result of `envelope` with `metrics`.
    public init(_ envelope: ProofEnvelope, metrics: ProofMetrics) {
        self.init(type: envelope.type, nullifier: envelope.nullifier, metrics: metrics,
                  canonicalBody: envelope.canonicalBody)
    }
}

/// The seam between the dispatcher and one proof type's verifier. Implementations are pure and
/// deterministic (no clock, files or network): schema → bindings (nullifier, policy) →
/// cryptography → metrics.
public protocol ProofVerifier: Sendable {
    func verify(_ envelope: ProofEnvelope, context: VerifierContext) -> Result<VerifiedProof, Rejection>
}
