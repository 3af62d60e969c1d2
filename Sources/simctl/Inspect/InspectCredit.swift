import ArgumentParser
import MiningCore

/// `simctl inspect credit`: the §5 credit of a block's proofs.
struct InspectCredit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "credit",
        abstract: "Credit a block's proofs under a policy's caps (spec §5).",
        discussion: """
            PROOFS.json is an array of {"type":"AI","psiAdjMicro":n,"nullifier":"0x…"}. Prints \
            {"credited":[…],"total":n,"breakdown":{…}}: credited µ-nats per proof in input order, \
            the total, and per type the sums before and after the per-proof and escort-adjusted type \
            caps, then the Γ stage.
            """)

    @Option(help: "Policy TOML or JSON file, or 'devnet' (the built-in default).")
    var policy: String = "devnet"

    @Option(help: "JSON array of proofs.")
    var proofs: String

    func run() throws {
        let p = try ProofInputs.loadPolicy(policy)
        let cands = try ProofInputs.loadCandidates(proofs, field: "--proofs")
        let r = Credit.compute(cands.map { CreditProof(type: $0.type, psiAdjMicro: $0.psiAdjMicro, nullifier: $0.nullifier) },
                               caps: p.caps)
        CLI.printJSON(["credited": .array(r.credited.map { .int($0) }), "total": .int(r.total),
                       "breakdown": ProofInputs.json(r.breakdown)])
    }
}
