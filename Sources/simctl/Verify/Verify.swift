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
            prints {"ok":true,"type":…,"nullifier":…,"metrics":{…},"psiRawMicro":n} (raw ψ under the \
            policy, spec §4) or \
            {"ok":false,"reason":"<code>","field":…,"detail":"…"}. Exit status: 0 when all are \
            valid, 1 when any is invalid, 2 when the input is unusable (missing file, not JSON, \
            bad option).
            """
    )

    @Argument(help: "Envelope JSON file, or - for stdin.")
    var file: String

    @Option(help: "Header template JSON (an object or an array of them) that hash shares bind to by extra.templateId.")
    var template: String?

    @Option(help: "Policy TOML file (default: the built-in devnet policy).")
    var policy: String?

    @Option(name: .customLong("shares-per-block"), help: "K of tShare(Θ, K) for hash shares (≥ 1).")
    var sharesPerBlock: UInt64 = 16

    @Option(name: .customLong("chain-id"), help: "Chain id in every nullifier (u32).")
    var chainId: UInt32 = 1337

    @Option(name: .customLong("parent-hash"), help: "Parent block hash, 0x + 64 hex digits (default zeros).")
    var parentHash: String?

    @Option(name: .customLong("storage-epoch"), help: "The epoch storage heartbeats must answer (u64).")
    var storageEpoch: UInt64 = 0

    func run() throws {
        let policy = try loadPolicy()
        let context = try makeContext(policy: policy)
        let data = try CLI.readFile(file, field: "FILE")
        let tree: JSONValue
        do {
            tree = try ProofEnvelope.parse(data)
        } catch {
            throw CLI.fail("FILE", "expected JSON (one envelope object or an array of envelopes); \(error.detail)")
        }
        let items: [JSONValue]
        switch tree {
        case .array(let a):
            // Zero envelopes verify nothing: "all valid" would tell a script something false.
            guard !a.isEmpty else { throw CLI.fail("FILE", "expected at least one envelope; the array is empty") }
            items = a
        case .object: items = [tree]
        default: throw CLI.fail("FILE", "expected an envelope object or an array of envelopes")
        }
        var allValid = true
        for item in items {
            switch Verifiers.verify(json: item, context) {
            case .success(let p):
                CLI.printJSON([
                    "ok": true, "type": .string(p.type.wireId), "nullifier": .string(Hex.encode(p.nullifier)),
                    "metrics": p.metrics.json, "psiRawMicro": .int(Psi.rawMicro(p.metrics, policy: policy)),
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

    func loadPolicy() throws -> Policy {
        guard let path = policy else { return .devnet }
        let data = try CLI.readFile(path, field: "--policy")
        guard let text = String(data: data, encoding: .utf8) else { throw CLI.fail("--policy", "expected UTF-8 TOML text") }
        do {
            return try Policy(toml: text)
        } catch {
            throw CLI.fail("--policy", "\(error)")
        }
    }

    func makeContext(policy: Policy) throws -> VerifierContext {
        guard sharesPerBlock >= 1 else { throw CLI.fail("--shares-per-block", "expected an integer ≥ 1") }
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
                let decoded: HeaderTemplate
                do {
                    decoded = try HeaderTemplate.decode(json: Data(item.canonicalBytes))
                } catch {
                    throw CLI.fail("--template", "\(error)")
                }
                templates[decoded.extra.templateId] = item
            }
        }
        let lookup = templates
        var context = VerifierContext(policy: policy, chainId: chainId, parentHash: parent,
                                      sharesPerBlock: sharesPerBlock, templateLookup: { lookup[$0] })
        context.storageEpoch = storageEpoch
        return context
    }
}
