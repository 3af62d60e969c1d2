import ArgumentParser

/// `simctl inspect …`: small calculators over the consensus math, each printing one JSON object.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calculators over the PoIES consensus math; each prints one JSON object.",
        subcommands: [
            InspectCredit.self,
            InspectSelect.self,
            InspectPolicy.self,
        ]
    )
}
