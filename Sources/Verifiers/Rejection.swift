/// Why a verifier refused a proof: a machine-readable `code` (metrics count rejections by it), the
/// JSON `field` path it concerns when there is one (`body.pi`), and a `detail` a person can act on.
///
/// A struct over an enum of codes rather than one big error enum, so callers switch on `code`
/// without destructuring payloads, and new verifiers can add a code in one place.
public struct Rejection: Error, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Stable reason codes; the raw value is what `simctl verify` prints and metrics count.
    public enum Code: String, Sendable, Hashable, CaseIterable, Codable {
        // Schema (envelope and body shape).
        /// The input is not a JSON document, or not the JSON kind the envelope needs.
        case malformedJSON = "malformed_json"
        /// `type_id` names no known proof type, or no verifier is registered for it.
        case unknownType = "unknown_type"
        /// A required field is absent.
        case missingField = "missing_field"
        /// A field the schema does not define (strict decoding: unknown keys are refused).
        case unknownField = "unknown_field"
        /// A field has the wrong JSON kind (string where an integer is expected, …).
        case wrongKind = "wrong_kind"
        /// Hex that is not lowercase, `0x`-prefixed, of the right length, or minimal.
        case badHex = "bad_hex"
        /// A number or big integer outside its allowed range.
        case outOfRange = "out_of_range"
        // Bindings.
        /// The envelope's nullifier differs from the one recomputed from the body.
        case wrongNullifier = "wrong_nullifier"
        /// A VDF modulus that is not one of the policy's named moduli.
        case unknownModulus = "unknown_modulus"
        /// A hash share that names a template the context does not know.
        case unknownTemplate = "unknown_template"
        /// A provider key the policy does not allow for this proof type.
        case providerNotAllowed = "provider_not_allowed"
        /// A proof for another epoch than the one the context expects (storage heartbeats).
        case staleEpoch = "stale_epoch"
        /// A model, circuit or sector too large for exact or bounded-cost verification.
        case tooLarge = "too_large"
        /// A retrieval ticket that is unsigned, duplicated or refers to nothing.
        case badTicket = "bad_ticket"
        /// A value the verifier recomputes (a digest, `u`, `d_ratio_ppm`, an input) differs.
        case mismatch = "mismatch"
        // Cryptography and metrics.
        /// A signature that does not verify.
        case badSignature = "bad_signature"
        /// A commit/reveal pair that does not match.
        case badCommitment = "bad_commitment"
        /// A Merkle opening or path that does not verify.
        case badOpening = "bad_opening"
        /// The proof's central equation fails (e.g. Wesolowski `π^ℓ·g^r ≢ y`).
        case badProof = "bad_proof"
        /// Evidence that was altered after the fact (trap answers, counts, …).
        case tampered = "tampered"
        /// A hash share whose H is below the template's share target.
        case belowTarget = "below_target"
    }

    public let code: Code
    /// JSON path of the offending field (`nullifier`, `body.T`), when one field is to blame.
    public let field: String?
    public let detail: String

    public init(_ code: Code, field: String? = nil, _ detail: String) {
        self.code = code
        self.field = field
        self.detail = detail
    }

    public var description: String {
        if let f = field { return "\(code.rawValue) (\(f)): \(detail)" }
        return "\(code.rawValue): \(detail)"
    }
}
