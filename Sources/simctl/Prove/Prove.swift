import ArgumentParser

/// `simctl prove …`: builds valid proof envelopes (devnet provers), one JSON line each.
struct Prove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Produce proof envelopes that the verifiers accept.",
        subcommands: [
            ProveVDF.self,
            ProveAI.self,
            ProveQuantum.self,
            ProveStorage.self,
        ]
    )
}
