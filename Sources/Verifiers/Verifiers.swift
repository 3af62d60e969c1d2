import Foundation
import MiningCore

/// The verifier dispatcher of spec section 8: routes an envelope to its type's verifier.
public enum Verifiers {
    /// Verifies one envelope. Unknown types (no registered verifier) are `unknown_type`; the
    /// returned nullifier is re-checked against the envelope's as a last line of defence.
    public static func verify(_ envelope: ProofEnvelope, _ context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        guard let v = registry[envelope.type] else {
            return .failure(Rejection(.unknownType, field: "type_id", "no verifier is registered for \(envelope.type.wireId)"))
        }
        let result = v.verify(envelope, context: context)
        if case .success(let p) = result, p.nullifier != envelope.nullifier || p.type != envelope.type {
            return .failure(Rejection(.wrongNullifier, field: "nullifier", "verifier result does not match the envelope"))
        }
        return result
    }

    /// Parses and verifies one envelope given as JSON text.
    public static func verify(jsonText: Data, _ context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        do {
            return verify(try ProofEnvelope(jsonText: jsonText), context)
        } catch {
            return .failure(error)
        }
    }

    /// Verifies one envelope given as a JSON tree.
    public static func verify(json: JSONValue, _ context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        do {
            return verify(try ProofEnvelope(json: json), context)
        } catch {
            return .failure(error)
        }
    }
}
