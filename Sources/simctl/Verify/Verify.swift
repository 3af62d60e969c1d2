import ArgumentParser
import Foundation
import MiningCore
import Verifiers

/// `simctl verify FILE|-`: runs the section-8 verifiers over one envelope or a JSON array of them.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify proof envelopes; one JSON line per envelope.",
        discussion: """
            Input is one envelope {"type_id","body","nullifier"} or a JSON array of envelopes. Each \
            prints {"ok":true,"type":…,"nullifier":…,"metrics":{…}} or \
            {"ok":false,"reason":"<code>","field":…,"detail":"…"}. Exit status: 0 when all are \
            valid, 1 when any is invalid, 2 when the input is unusable (missing file, not JSON, \
            bad option).
            """
    )

    @Argument(help: "Envelope JSON file, or - for stdin.")
    var file: String

    @Option(help: "Header template JSON (an object or an array of them) that hash shares bind to by extra.templateId.")
    var template: String?

    @Option(help: "Policy: only the built-in 'devnet' is available until custom policy files are supported.")
    var policy: String = "devnet"

    @Option(name: .customLong("chain-id"), help: "Chain id in every nullifier (u32).")
    var chainId: UInt32 = 1337

    @Option(name: .customLong("parent-hash"), help: "Parent block hash, 0x + 64 hex digits (default zeros).")
    var parentHash: String?

    func run() throws {
        let context = try makeContext()
        let data = try CLI.readFile(file, field: "FILE")
        let tree: JSONValue
        do {
            tree = try ProofEnvelope.parse(data)
        } catch {
            throw CLI.fail("FILE", "expected JSON (one envelope object or an array of envelopes); \(error.detail)")
        }
        let items: [JSONValue]
        switch tree {
        case .array(let a): items = a
        case .object: items = [tree]
        default: throw CLI.fail("FILE", "expected an envelope object or an array of envelopes")
        }
        var allValid = true
        for item in items {
            switch Verifiers.verify(json: item, context) {
            case .success(let p):
                CLI.printJSON([
                    "ok": true, "type": .string(p.type.wireId), "nullifier": .string(Hex.encode(p.nullifier)),
                    "metrics": p.metrics.json,
                ])
            case .failure(let r):
                allValid = false
                var out: [String: JSONValue] = ["ok": false, "reason": .string(r.code.rawValue), "detail": .string(r.detail)]
                if let f = r.field { out["field"] = .string(f) }
                CLI.printJSON(.object(out))
            }
        }
        if !allValid { throw ExitCode(1) }
    }

    func makeContext() throws -> VerifierContext {
        guard policy == "devnet" else {
            throw CLI.fail("--policy", "only the built-in 'devnet' policy is supported so far (got '\(policy)')")
        }
        var parent = [UInt8](repeating: 0, count: 32)
        if let p = parentHash {
            guard let b = try? StrictHex.bytes(p, field: "--parent-hash", count: 32) else {
                throw CLI.fail("--parent-hash", "expected 0x + 64 lowercase hex digits")
            }
            parent = b
        }
        var templates: [String: JSONValue] = [:]
        if let path = template {
            let data = try CLI.readFile(path, field: "--template")
            guard let t = try? ProofEnvelope.parse(data) else { throw CLI.fail("--template", "expected template JSON") }
            let list: [JSONValue]
            if case .array(let a) = t { list = a } else { list = [t] }
            for item in list {
                guard case .string(let id)? = item["extra"]?["templateId"] else {
                    throw CLI.fail("--template", "expected each template to have extra.templateId (a string)")
                }
                templates[id] = item
            }
        }
        let lookup = templates
        return VerifierContext(chainId: chainId, parentHash: parent, templateLookup: { lookup[$0] })
    }
}
