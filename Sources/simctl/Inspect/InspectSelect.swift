import ArgumentParser
import MiningCore

/// `simctl inspect select`: the optimal proof set for a block.
struct InspectSelect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Choose the proofs with the largest credited Σψ (then fewest proofs, bytes, nullifiers).",
        discussion: """
            C.json is an array of {"type","psiAdjMicro","nullifier","sizeBytes"?}. Prints the chosen \
            indices and proofs, the credit breakdown, requiredHashTarget = max(0, Θ − Σψ), and every \
            dropped candidate with its reason (duplicateNullifier, seenWithinTTL, noCredit, notSelected).
            """)

    @Option(help: "Policy TOML or JSON file, or 'devnet' (the built-in default).")
    var policy: String = "devnet"

    @Option(parsing: .unconditional, help: "Θ in µ-nats (non-negative integer).")
    var theta: String

    @Option(help: "JSON array of candidate proofs.")
    var candidates: String

    @Option(help: "Optional JSON array of nullifiers seen on the chain within the TTL.")
    var seen: String?

    func run() throws {
        guard let thetaMicro = Int64(theta), thetaMicro >= 0 else { throw CLI.fail("--theta", "a non-negative integer (µ-nats)") }
        let p = try ProofInputs.loadPolicy(policy)
        let cands = try ProofInputs.loadCandidates(candidates, field: "--candidates")
        let seenSet = try seen.map { try ProofInputs.loadNullifiers($0, field: "--seen") } ?? []
        let s = ProofSelector(policy: p).select(cands, thetaMicro: thetaMicro, isSeen: { seenSet.contains($0) })
        let proofs: [JSONValue] = zip(s.chosen, s.credit.credited).map { (i, c) in
            let x = cands[i]
            return ["index": .int(Int64(i)), "type": .string(x.type.policyName), "psiAdjMicro": .int(x.psiAdjMicro),
                    "nullifier": .string(Hex.encode(x.nullifier)), "sizeBytes": .int(x.sizeBytes), "credited": .int(c)]
        }
        let dropped: [JSONValue] = s.dropped.map { d in
            var o: [String: JSONValue] = ["index": .int(Int64(d.index)), "reason": .string(d.reason.description)]
            if case .duplicateNullifier(let k) = d.reason { o["kept"] = .int(Int64(k)) }
            return .object(o)
        }
        CLI.printJSON([
            "selected": .array(s.chosen.map { .int(Int64($0)) }), "proofs": .array(proofs), "total": .int(s.credit.total),
            "totalBytes": .int(s.totalBytes), "thetaMicro": .int(thetaMicro), "requiredHashTarget": .int(s.requiredHashTarget),
            "breakdown": ProofInputs.json(s.credit.breakdown), "dropped": .array(dropped), "exhaustive": .bool(s.exhaustive),
            "policyRoot": .string(Hex.encode(p.root)),
        ])
    }
}
