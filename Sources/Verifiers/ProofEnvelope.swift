import Foundation
import MiningCore

/// The wire form of a proof (spec section 8): `{"type_id": "vdf:v1", "body": {…}, "nullifier": "0x…"}`.
///
/// Decoding is strict — an unknown top-level key, a missing one, an unknown type or a nullifier that
/// is not 32 bytes of lowercase hex is a ``Rejection`` naming the field. The body stays a
/// ``JSONValue`` here and is decoded by the verifier of its type.
public struct ProofEnvelope: Sendable, Equatable, Hashable {
    public let type: ProofType
    public let body: JSONValue
    public let nullifier: [UInt8]

    public init(type: ProofType, body: JSONValue, nullifier: [UInt8]) {
        self.type = type
        self.body = body
        self.nullifier = nullifier
    }

    /// Decodes an envelope from a parsed JSON tree.
    public init(json: JSONValue) throws(Rejection) {
        guard case .object = json else {
            throw Rejection(.malformedJSON, "expected an envelope object {\"type_id\", \"body\", \"nullifier\"}")
        }
        var r = try BodyReader(json, path: "")
        let typeId = try r.string("type_id")
        guard let t = ProofType(wireId: typeId) else {
            let known = ProofType.allCases.map(\.wireId).joined(separator: ", ")
            throw Rejection(.unknownType, field: "type_id", "unknown proof type '\(typeId)' (expected one of \(known))")
        }
        let body = try r.value("body")
        guard case .object = body else {
            throw Rejection(.wrongKind, field: "body", "expected a JSON object")
        }
        let n = try r.hex("nullifier", bytes: 32)
        try r.finish()
        self.init(type: t, body: body, nullifier: n)
    }

    /// Decodes an envelope from JSON text.
    public init(jsonText data: Data) throws(Rejection) {
        try self.init(json: Self.parse(data))
    }

    /// Parses JSON text strictly (``StrictJSON``: no duplicate keys, valid UTF-8, bounded depth);
    /// any syntax error is `malformed_json`.
    public static func parse(_ data: Data) throws(Rejection) -> JSONValue {
        do {
            return try StrictJSON.parse(Array(data))
        } catch {
            throw Rejection(.malformedJSON, field: error.key, "invalid JSON at byte \(error.offset): \(error.message)")
        }
    }

    /// The envelope as JSON (what `simctl prove` prints).
    public var json: JSONValue {
        ["type_id": .string(type.wireId), "body": body, "nullifier": .string(Hex.encode(nullifier))]
    }

    /// The canonical body bytes that `proofsRoot` hashes (sorted keys, no whitespace).
    public var canonicalBody: [UInt8] { body.canonicalBytes }

    /// Recomputes the nullifier from the body's identity and refuses the envelope when it differs.
    public func checkNullifier(identity: [UInt8], context: VerifierContext) throws(Rejection) {
        let expected = ProofNullifier.compute(type: type, identity: identity, chainId: context.chainId)
        guard expected == nullifier else {
            throw Rejection(.wrongNullifier, field: "nullifier",
                            "expected \(Hex.encode(expected)) for chainId \(context.chainId)")
        }
    }
}
