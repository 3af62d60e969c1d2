import ArgumentParser
import MiningCore

/// `simctl`: the PoIES toolkit's command line. Each subcommand lives in its own file.
@main
struct SimCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simctl",
        abstract: "PoIES mining research and devnet toolkit.",
        discussion: """
            PoIES accepts a block when S = H(u) + Σψ ≥ Θ. simctl runs the simulator on scenario \
            files, inspects the consensus math, verifies proofs and benchmarks the miner.
            """,
        version: "0.1.0",
        subcommands: [
            Inspect.self,
            Bench.self,
            Verify.self,
            Prove.self,
            Mine.self,
            Getwork.self,
            Report.self,
            Export.self,
            Merge.self,
            Sweep.self,
            Run.self,
        ]
    )

    /// OpenSSL first (see `OpenSSLProcess.skipCleanupAtExit`), then the usual parse-and-run.
    static func main() async {
        OpenSSLProcess.skipCleanupAtExit()
        await main(nil)
    }
}
