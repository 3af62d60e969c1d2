import ArgumentParser

/// `simctl inspect …`: small calculators over the consensus math, each printing one JSON object.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calculators over the PoIES consensus math; each prints one JSON object.",
        subcommands: [
            InspectUDraw.self,
            InspectH.self,
            InspectThreshold.self,
            InspectShare.self,
            InspectRetarget.self,
            InspectCredit.self,
            InspectSelect.self,
            InspectPolicy.self,
            InspectChain.self,
        ]
    )
}
