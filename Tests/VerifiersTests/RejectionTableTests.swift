import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// One mutated field per check of the envelope and VDF verifier, each asserting its reason code.
@Suite struct RejectionTableTests {
    /// A valid T = 256 VDF envelope as a mutable JSON tree.
    static let valid: (json: [String: JSONValue], body: [String: JSONValue]) = {
        let proof = VDFProof.prove(seed: SHA3_256.hash(Array("table".utf8)), T: 256, modulus: VDFModuli.rsa2048)
        guard case .object(let env) = proof.envelope(chainId: 1337).json, case .object(let body)? = env["body"] else {
            fatalError("envelope is not an object")
        }
        return (env, body)
    }()

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let code: Rejection.Code
        let field: String?
        var context: VerifierContext = .devnet
        let mutate: @Sendable (inout [String: JSONValue], inout [String: JSONValue]) -> Void
        var testDescription: String { name }
    }

    static let nHex: String = VDFModuli.rsa2048.hex
    static func rehash(_ env: inout [String: JSONValue], _ body: [String: JSONValue], chainId: UInt32 = 1337) {
        let b = { (k: String) -> [UInt8] in
            if case .string(let s)? = body[k] { return (try? StrictHex.bigUInt(s, field: k)) ?? [] }
            return []
        }
        var t: UInt64 = 0
        if case .int(let i)? = body["T"] { t = UInt64(clamping: i) }
        let n = ProofNullifier.compute(type: .vdf, identity: VDFProof.identity(modulus: b("N"), g: b("g"), T: t), chainId: chainId)
        env["nullifier"] = .string(Hex.encode(n))
    }

    static let rows: [Row] = [
        // Envelope schema.
        Row(name: "unknown type", code: .unknownType, field: "type_id") { e, _ in e["type_id"] = "vdf:v2" },
        Row(name: "type_id not a string", code: .wrongKind, field: "type_id") { e, _ in e["type_id"] = 5 },
        Row(name: "missing type_id", code: .missingField, field: "type_id") { e, _ in e["type_id"] = nil },
        Row(name: "missing nullifier", code: .missingField, field: "nullifier") { e, _ in e["nullifier"] = nil },
        Row(name: "extra envelope key", code: .unknownField, field: "extra") { e, _ in e["extra"] = 1 },
        Row(name: "body not an object", code: .wrongKind, field: "body") { e, _ in e["body"] = [1, 2] },
        Row(name: "nullifier 31 bytes", code: .badHex, field: "nullifier") { e, _ in
            if case .string(let s)? = e["nullifier"] { e["nullifier"] = .string(String(s.dropLast(2))) }
        },
        Row(name: "nullifier uppercase", code: .badHex, field: "nullifier") { e, _ in
            if case .string(let s)? = e["nullifier"] { e["nullifier"] = .string("0x" + s.dropFirst(2).uppercased()) }
        },
        Row(name: "nullifier no prefix", code: .badHex, field: "nullifier") { e, _ in
            if case .string(let s)? = e["nullifier"] { e["nullifier"] = .string("00" + s.dropFirst(2)) }
        },
        // VDF body schema.
        Row(name: "missing pi", code: .missingField, field: "body.pi") { _, b in b["pi"] = nil },
        Row(name: "extra body field", code: .unknownField, field: "body.seed") { _, b in b["seed"] = "0x00" },
        Row(name: "T as string", code: .wrongKind, field: "body.T") { _, b in b["T"] = "256" },
        Row(name: "T fractional", code: .wrongKind, field: "body.T") { _, b in b["T"] = .double(256.5) },
        Row(name: "T negative", code: .outOfRange, field: "body.T") { _, b in b["T"] = -256 },
        Row(name: "g leading zero digit", code: .badHex, field: "body.g") { _, b in
            if case .string(let s)? = b["g"] { b["g"] = .string("0x0" + s.dropFirst(2)) }
        },
        Row(name: "y uppercase", code: .badHex, field: "body.y") { _, b in
            if case .string(let s)? = b["y"] { b["y"] = .string("0x" + s.dropFirst(2).uppercased()) }
        },
        Row(name: "pi not hex", code: .badHex, field: "body.pi") { _, b in b["pi"] = "0xzz" },
        // Bindings.
        Row(name: "modulus not RSA-2048", code: .unknownModulus, field: "body.N") { _, b in
            b["N"] = .string(String(nHex.dropLast()) + (nHex.hasSuffix("5") ? "7" : "5"))
        },
        Row(name: "modulus not in policy", code: .unknownModulus, field: "body.N",
            context: VerifierContext(vdfModuli: [])) { _, _ in },
        Row(name: "g = 1", code: .outOfRange, field: "body.g") { _, b in b["g"] = "0x1" },
        Row(name: "g = 0", code: .outOfRange, field: "body.g") { _, b in b["g"] = "0x0" },
        Row(name: "y = N", code: .outOfRange, field: "body.y") { _, b in b["y"] = .string(nHex) },
        Row(name: "pi > N", code: .outOfRange, field: "body.pi") { _, b in b["pi"] = .string(nHex + "0") },
        Row(name: "T = 255", code: .outOfRange, field: "body.T") { e, b in b["T"] = 255; rehash(&e, b) },
        Row(name: "T above vdfMaxT", code: .outOfRange, field: "body.T",
            context: VerifierContext(vdfMaxT: 255)) { _, _ in },
        Row(name: "g not bound to parent", code: .mismatch, field: "body.g",
            context: VerifierContext(vdfRequireParentSeed: true)) { _, _ in },
        Row(name: "nullifier for another chain", code: .wrongNullifier, field: "nullifier") { e, b in rehash(&e, b, chainId: 1) },
        Row(name: "T changed, nullifier kept", code: .wrongNullifier, field: "nullifier") { _, b in b["T"] = 257 },
        // Cryptography.
        Row(name: "T changed, nullifier recomputed", code: .badProof, field: "body.pi") { e, b in b["T"] = 257; rehash(&e, b) },
        Row(name: "y tampered", code: .badProof, field: "body.pi") { _, b in b["y"] = "0x2" },
        Row(name: "pi tampered", code: .badProof, field: "body.pi") { _, b in b["pi"] = "0x2" },
    ]

    @Test func validEnvelopePasses() {
        let v = Self.valid
        var env = v.json
        env["body"] = .object(v.body)
        guard case .success(let p) = Verifiers.verify(json: .object(env), .devnet) else {
            Issue.record("valid envelope rejected")
            return
        }
        #expect(p.metrics == .vdf(iterations: 256))
    }

    @Test(arguments: rows)
    func rejects(_ row: Row) {
        var env = Self.valid.json
        var body = Self.valid.body
        row.mutate(&env, &body)
        if env["body"] != nil, case .object = env["body"]! { env["body"] = .object(body) }
        guard case .failure(let r) = Verifiers.verify(json: .object(env), row.context) else {
            Issue.record("\(row.name): accepted")
            return
        }
        #expect(r.code == row.code, "\(row.name): \(r)")
        #expect(r.field == row.field, "\(row.name): \(r)")
        #expect(!r.detail.isEmpty)
    }

    @Test func nonObjectAndGarbageInput() {
        for text in ["[]", "42", "\"x\"", "{", "", "{\"type_id\":}", "\u{FF}"] {
            guard case .failure(let r) = Verifiers.verify(jsonText: Data(text.utf8), .devnet) else {
                Issue.record("accepted \(text)")
                continue
            }
            #expect(r.code == .malformedJSON, "\(text): \(r)")
        }
    }

    @Test func everyTypeWithoutAVerifierIsUnknown() {
        for t in ProofType.allCases where Verifiers.registry[t] == nil {
            let env = ProofEnvelope(type: t, body: [:], nullifier: [UInt8](repeating: 0, count: 32))
            guard case .failure(let r) = Verifiers.verify(env, .devnet) else {
                Issue.record("\(t) accepted")
                continue
            }
            #expect(r.code == .unknownType)
        }
    }
}
