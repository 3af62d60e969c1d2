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

/// A verifier whose body has its own decoded type (AI, quantum, storage): the envelope's type,
/// then the body's schema, then `verify(body:…)`. The two entry points — typed metrics for tools
/// and tests, `VerifiedProof` for the dispatcher — come from here, so every such verifier runs
/// the same steps in the same order.
public protocol BodyProofVerifier: ProofVerifier {
    associatedtype Body
    static var proofType: ProofType { get }
    static func decodeBody(_ body: JSONValue) throws(Rejection) -> Body
    static func verify(body: Body, nullifier: [UInt8], context: VerifierContext) throws(Rejection) -> ProofMetrics
}

extension BodyProofVerifier {
    /// Type, schema, bindings, cryptography; the metrics on success.
    public static func verify(envelope: ProofEnvelope, context: VerifierContext) -> Result<ProofMetrics, Rejection> {
        do throws(Rejection) {
            try envelope.expect(proofType)
            let body = try decodeBody(envelope.body)
            return .success(try verify(body: body, nullifier: envelope.nullifier, context: context))
        } catch { return .failure(error) }
    }

    /// The dispatcher's seam: the same checks, returning the verified proof.
    public func verify(_ envelope: ProofEnvelope, context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        Self.verify(envelope: envelope, context: context).map { VerifiedProof(envelope, metrics: $0) }
    }
}
