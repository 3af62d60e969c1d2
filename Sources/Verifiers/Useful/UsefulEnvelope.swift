import Foundation
import MiningCore

/// The envelope of spec section 8 as these verifiers read it: `{"type_id","body","nullifier"}`.
/// Kept minimal (and internal to this folder's API) until the shared `ProofEnvelope` lands.
public struct UsefulEnvelope: Sendable, Equatable {
    public let type: ProofType
    public let body: JSONValue
    public let nullifier: [UInt8]

    public init(type: ProofType, body: JSONValue, nullifier: [UInt8]) {
        self.type = type
        self.body = body
        self.nullifier = nullifier
    }

    public var json: JSONValue {
        ["type_id": .string(type.wireId), "body": body, "nullifier": .string(Hex.encode(nullifier))]
    }

    /// Strictly decodes an envelope JSON tree (exactly the three keys).
    public static func decode(_ v: JSONValue) throws(UsefulRejection) -> UsefulEnvelope {
        var o = try StrictObject(v, path: "")
        guard case .string(let t) = try o.value("type_id"), let type = ProofType(wireId: t) else {
            throw UsefulRejection(.wrongType, "type_id", "expected one of ai:v1, quantum:v1, storage:v1, …")
        }
        let body = try o.value("body")
        let nullifier = try o.hex("nullifier", bytes: 32)
        try o.finish()
        return UsefulEnvelope(type: type, body: body, nullifier: nullifier)
    }

    /// Parses JSON bytes; anything that is not JSON is `.malformed`.
    public static func decode(bytes: [UInt8]) throws(UsefulRejection) -> UsefulEnvelope {
        let v: JSONValue
        do { v = try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) } catch {
            throw UsefulRejection(.malformed, "envelope", "not valid JSON")
        }
        return try decode(v)
    }

    func expect(_ t: ProofType) throws(UsefulRejection) {
        guard type == t else {
            throw UsefulRejection(.wrongType, "type_id", "expected \(t.wireId), got \(type.wireId)")
        }
    }
}
