import Foundation
import MiningCore
import Verifiers

/// A devnet block: the header (the template of spec §2, with the chosen proofs' `proofsRoot`),
/// the sealing nonce and the attached proofs in block order. The block hash is the u-draw's
/// `SHA3-256(signBytes ‖ nonce ‖ mixSeed)` (spec §3).
///
/// A block whose proofs include hash shares also carries the templates those shares were mined
/// on (``shareTemplates``): a `hashshare:v1` proof names its template only by `templateId`, and a
/// stored block must re-verify on its own, long after the node forgot its jobs
/// (docs/decisions/devnet-own-proofs.md, "Shares accumulate").
public struct Block: Sendable, Equatable {
    public var header: HeaderTemplate
    public var nonce: Nonce
    public var proofs: [ProofEnvelope]
    /// The templates the block's `hashshare:v1` proofs bind to, one per `templateId`.
    public var shareTemplates: [HeaderTemplate]

    public init(header: HeaderTemplate, nonce: Nonce, proofs: [ProofEnvelope], shareTemplates: [HeaderTemplate] = []) {
        self.header = header
        self.nonce = nonce
        self.proofs = proofs
        self.shareTemplates = shareTemplates
    }

    /// The share template with `templateId`, as the HashShare verifier looks it up.
    public func shareTemplate(_ templateId: String) -> JSONValue? {
        shareTemplates.first { $0.extra.templateId == templateId }.map(Self.templateJSON)
    }

    public var height: UInt64 { header.height }

    /// The u-draw of the header and nonce.
    public var draw: UDraw.Result { UDraw.draw(template: header, nonce: nonce) }

    /// `blockHash` of spec §3.
    public var hash: [UInt8] {
        SHA3_256.hash(UDraw.preimage(signBytes: header.signBytes, nonce: nonce, mixSeed: header.nonceDomain.mixSeed))
    }

    /// `proofsRoot` over the attached proofs (spec §8).
    public static func proofsRoot(_ proofs: [ProofEnvelope]) -> [UInt8] {
        ProofsRoot.merkleRoot(leaves: proofs.map { p in
            SHA3_256.hash(parts: [[0x00, p.type.rawValue], p.nullifier, SHA3_256.hash(p.canonicalBody)])
        })
    }

    /// Wire JSON: `{"header": template, "nonce": "0x…", "proofs": [envelope…], "hash": "0x…"}`,
    /// plus `"shareTemplates": [template…]` when the block carries hash shares.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["header": Self.templateJSON(header), "nonce": .string(nonce.hex),
                                      "proofs": .array(proofs.map(\.json)), "hash": .string(Hex.encode(hash))]
        if !shareTemplates.isEmpty { o["shareTemplates"] = .array(shareTemplates.map(Self.templateJSON)) }
        return .object(o)
    }

    /// The template as a ``JSONValue`` (its wire JSON).
    public static func templateJSON(_ t: HeaderTemplate) -> JSONValue {
        // The template encoder writes plain JSON; parsing it back cannot fail.
        (try? JSONDecoder().decode(JSONValue.self, from: t.encodeJSON())) ?? .null
    }

    /// Why a block document could not be decoded: `field` is its JSON path.
    public struct DecodeError: Error, Equatable, CustomStringConvertible {
        public let field: String
        public let expected: String
        public var description: String { "\(field): \(expected)" }
    }

    /// Decodes the wire JSON. A `hash` member, when present, must equal the recomputed hash.
    public init(json: JSONValue) throws(DecodeError) {
        guard case .object(let o) = json else { throw DecodeError(field: "block", expected: "a JSON object") }
        for k in o.keys where !["header", "nonce", "proofs", "hash", "shareTemplates"].contains(k) {
            throw DecodeError(field: k, expected: "unknown field (expected header, nonce, proofs, hash, shareTemplates)")
        }
        guard let h = o["header"] else { throw DecodeError(field: "header", expected: "missing (required field)") }
        do {
            header = try HeaderTemplate.decode(json: Data(h.canonicalBytes))
        } catch {
            throw DecodeError(field: error.field.isEmpty ? "header" : "header.\(error.field)", expected: error.expected)
        }
        guard case .string(let n)? = o["nonce"], let nonce = try? Nonce(hex: n) else {
            throw DecodeError(field: "nonce", expected: "0x + 32 hex digits (16 bytes)")
        }
        self.nonce = nonce
        guard case .array(let ps)? = o["proofs"] else { throw DecodeError(field: "proofs", expected: "an array of proof envelopes") }
        var proofs: [ProofEnvelope] = []
        for (i, p) in ps.enumerated() {
            do { proofs.append(try ProofEnvelope(json: p)) } catch {
                throw DecodeError(field: "proofs[\(i)]", expected: error.description)
            }
        }
        self.proofs = proofs
        var templates: [HeaderTemplate] = []
        if let st = o["shareTemplates"] {
            guard case .array(let ts) = st else { throw DecodeError(field: "shareTemplates", expected: "an array of templates") }
            for (i, t) in ts.enumerated() {
                do { templates.append(try HeaderTemplate.decode(json: Data(t.canonicalBytes))) } catch {
                    throw DecodeError(field: "shareTemplates[\(i)]" + (error.field.isEmpty ? "" : ".\(error.field)"), expected: error.expected)
                }
            }
        }
        self.shareTemplates = templates
        if let claimed = o["hash"] {
            guard case .string(let s) = claimed, let b = try? Hex.decode(s, bytes: 32) else {
                throw DecodeError(field: "hash", expected: "0x + 64 hex digits")
            }
            guard b == hash else { throw DecodeError(field: "hash", expected: "the block's hash \(Hex.encode(hash))") }
        }
    }
}
