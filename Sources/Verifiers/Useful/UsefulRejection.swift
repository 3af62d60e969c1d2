/// Why an AI, quantum or storage proof was refused: a stable reason code, the body field it
/// concerns (a JSON path such as `body.trapRoot`) and a detail a provider can act on.
///
/// Kept separate from the shared `Rejection` type another branch introduces so these verifiers are
/// usable on their own; mapping is one-to-one (code, field, detail).
public struct UsefulRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable codes, grouped by the verifier stage that emits them (schema → bindings → crypto).
    public enum Reason: String, Sendable, CaseIterable {
        // Schema
        case malformed          // not a JSON object / not JSON at all
        case wrongType          // envelope type_id is not this verifier's
        case missingField
        case unknownField
        case wrongKind          // field present with the wrong JSON kind (string for int, …)
        case badHex             // not lowercase 0x hex of the required length
        case outOfRange         // number or list length outside the documented bounds
        // Bindings
        case modelTooLarge      // AI model whose exact-arithmetic bound or verifier cost is too high
        case commitMismatch     // SHA3-256(trapSeed) ≠ trapSeedCommit
        case trapRootMismatch   // revealed trap answers do not hash to trapRoot
        case unitsMismatch      // attested units ≠ what the body's shape implies
        case staleEpoch         // storage epoch ≠ the chain's current epoch
        case nullifierMismatch  // envelope nullifier ≠ the one recomputed from the body
        case badOpening         // a storage opening's Merkle path does not reach sectorRoot
        case badTicket          // a retrieval ticket is unsigned, duplicated or refers to nothing
        // Cryptography / policy
        case keyNotAllowed
        case badSignature
    }

    public let reason: Reason
    public let field: String
    public let detail: String

    public init(_ reason: Reason, _ field: String, _ detail: String) {
        self.reason = reason
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(reason.rawValue) at \(field): \(detail)" }
}
