import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// HashShare envelopes built from every udraw.json case, and one mutated field per check.
@Suite struct HashShareVerifierTests {
    struct Case: Decodable, Sendable {
        let template: JSONValue
        let nonce: String
        let keccak: String
        let u: String
        let H: Int64
    }

    static let cases: [Case] = (try? VectorFile<Case>.load("udraw.json").cases) ?? []

    /// K so large that tShare is 0: every nonce is a share (the vectors' nonces are random).
    static let anyShareK: UInt64 = 1 << 62

    static func context(_ c: Case, k: UInt64 = anyShareK) -> VerifierContext {
        let t = c.template
        return VerifierContext(sharesPerBlock: k, templateLookup: { id in
            t["extra"]?["templateId"] == .string(id) ? t : nil
        })
    }

    static func envelope(_ c: Case, chainId: UInt32 = 1337) throws -> ProofEnvelope {
        let template = try HeaderTemplate.decode(json: Data(c.template.canonicalBytes))
        return HashShareProof.envelope(template: template, nonce: try Nonce(hex: c.nonce), chainId: chainId)
    }

    @Test func casesLoad() { #expect(Self.cases.count == 20) }

    @Test(arguments: cases.indices)
    func vectorSharesVerify(_ i: Int) throws {
        let c = Self.cases[i]
        let env = try Self.envelope(c)
        #expect(env.body["keccak"] == .string(c.keccak))
        #expect(env.body["u"] == .string(c.u))
        guard case .success(let p) = Verifiers.verify(env, Self.context(c)) else {
            Issue.record("case \(i) rejected: \(Verifiers.verify(env, Self.context(c)))")
            return
        }
        guard case .int(let theta)? = c.template["params"]?["thetaMicro"] else {
            Issue.record("no thetaMicro")
            return
        }
        #expect(p.metrics == .hashShare(dRatioPpm: ShareTarget.dRatioPpm(H: c.H, thetaMicro: theta)))
        #expect(p.type == .hashShare)
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let code: Rejection.Code
        let field: String?
        var k: UInt64 = HashShareVerifierTests.anyShareK
        var noTemplates = false
        let mutate: @Sendable (inout [String: JSONValue], inout [String: JSONValue]) -> Void
        var testDescription: String { name }
    }

    static func flip(_ v: JSONValue?) -> JSONValue {
        guard case .string(let s)? = v else { return .null }
        let last = s.last == "0" ? "1" : "0"
        return .string(String(s.dropLast()) + last)
    }

    static let rows: [Row] = [
        Row(name: "unknown template", code: .unknownTemplate, field: "body.templateId") { _, b in b["templateId"] = "tpl-none" },
        Row(name: "no templates at all", code: .unknownTemplate, field: "body.templateId", noTemplates: true) { _, _ in },
        Row(name: "templateId not a string", code: .wrongKind, field: "body.templateId") { _, b in b["templateId"] = 7 },
        Row(name: "nonce 15 bytes", code: .badHex, field: "body.nonce") { _, b in
            if case .string(let s)? = b["nonce"] { b["nonce"] = .string(String(s.dropLast(2))) }
        },
        Row(name: "keccak uppercase", code: .badHex, field: "body.keccak") { _, b in
            if case .string(let s)? = b["keccak"] { b["keccak"] = .string("0x" + s.dropFirst(2).uppercased()) }
        },
        Row(name: "missing u", code: .missingField, field: "body.u") { _, b in b["u"] = nil },
        Row(name: "extra field", code: .unknownField, field: "body.H") { _, b in b["H"] = 1 },
        Row(name: "negative d_ratio_ppm", code: .outOfRange, field: "body.d_ratio_ppm") { _, b in b["d_ratio_ppm"] = -1 },
        Row(name: "mixSeed not the template's", code: .mismatch, field: "body.mixSeed") { _, b in b["mixSeed"] = flip(b["mixSeed"]) },
        Row(name: "nonce changed, nullifier kept", code: .wrongNullifier, field: "nullifier") { _, b in b["nonce"] = flip(b["nonce"]) },
        Row(name: "keccak tampered", code: .mismatch, field: "body.keccak") { _, b in b["keccak"] = flip(b["keccak"]) },
        Row(name: "u tampered", code: .mismatch, field: "body.u") { _, b in b["u"] = flip(b["u"]) },
        Row(name: "d_ratio_ppm inflated", code: .mismatch, field: "body.d_ratio_ppm") { _, b in
            if case .int(let d)? = b["d_ratio_ppm"] { b["d_ratio_ppm"] = .int(d + 1) }
        },
        Row(name: "below the share target", code: .belowTarget, field: "body.nonce", k: 1) { _, _ in },
    ]

    @Test(arguments: rows)
    func rejects(_ row: Row) throws {
        let c = try #require(Self.cases.first)
        guard case .object(var env) = try Self.envelope(c).json, case .object(var body)? = env["body"] else {
            Issue.record("envelope is not an object")
            return
        }
        row.mutate(&env, &body)
        env["body"] = .object(body)
        let ctx = row.noTemplates ? VerifierContext(sharesPerBlock: row.k) : Self.context(c, k: row.k)
        guard case .failure(let r) = Verifiers.verify(json: .object(env), ctx) else {
            Issue.record("\(row.name): accepted")
            return
        }
        #expect(r.code == row.code, "\(row.name): \(r)")
        #expect(r.field == row.field, "\(row.name): \(r)")
    }
}
