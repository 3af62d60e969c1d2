import ArgumentParser

/// `simctl bench …`: speed figures, each measured next to a baseline in the same run.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks, each reported as a ratio to a baseline measured in the same run.",
        subcommands: [
            BenchHash.self,
            BenchHashLuck.self,
            BenchSelect.self,
            BenchVDF.self,
        ]
    )
}
