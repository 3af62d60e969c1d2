import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl bench sim`: simulator throughput on the reference workloads.
struct BenchSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulator throughput: replications × blocks × miners, summary outputs.",
        discussion: """
            Default workload (issue 5): 1,000 replications × 10,000 blocks × 1,000 hash-only miner \
            groups with the consensus EMA retarget, --jobs 2, summary outputs only. Also measures, \
            in the same run, a bare aggregate-model loop (one exponential draw and one EMA step per \
            block, no miners) as the baseline; prints one JSON object.
            """
    )

    @Option(help: "Replications.") var replications = 1000
    @Option(help: "Blocks per replication.") var blocks = 10000
    @Option(help: "Miner groups (count 1 each).") var miners = 1000
    @Option(help: "Parallel jobs.") var jobs = 2
    @Option(help: "Workload: hash (default), ai (one AI provider per 10 miners, a proof every 10 target intervals each) or net (propagation delays on; try --replications 1 --blocks 100000 --miners 100).")
    var workload = "hash"

    func run() async throws {
        guard replications > 0, blocks > 0, miners > 0, jobs > 0 else { throw CLI.fail("--replications/--blocks/--miners/--jobs", "positive integers") }
        guard ["hash", "ai", "net"].contains(workload) else { throw CLI.fail("--workload", "hash, ai or net") }
        var toml = """
            [scenario]
            name = "bench-\(workload)"
            seed = 1
            blocks = \(blocks)
            replications = \(replications)
            [chain]
            thetaMicro0 = 9000000

            """
        if workload == "net" {
            toml += "[network]\npropagation = { dist = \"lognormal\", mu = -2.0, sigma = 0.5 }\n"
        }
        for i in 0..<miners {
            toml += "[[miners]]\nname = \"m\(i)\"\nhashrate = \(Double(1 + i % 10) * 4.0)\n"
        }
        if workload == "ai" {
            for i in stride(from: 0, to: miners, by: 10) {
                toml += "[[providers]]\ntype = \"ai\"\nowner = \"m\(i)\"\ninterval = 20.0\nmetrics = { units = 1.5 }\n"
            }
        }
        let sc: Scenario
        do { sc = try Scenario.parse(toml: toml, file: "bench") } catch { throw CLI.fail("bench", "\(error)") }

        let t0 = DispatchTime.now().uptimeNanoseconds
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: jobs, outputs: .summary))
        let t1 = DispatchTime.now().uptimeNanoseconds
        let simSeconds = Double(t1 - t0) / 1e9
        let total = summary.blocks

        // Baseline: the aggregate model as a bare loop (one draw + one EMA step per block), one core.
        let baseBlocks = min(total, 20_000_000)
        let b0 = DispatchTime.now().uptimeNanoseconds
        let checksum = Self.aggregateLoop(blocks: baseBlocks)
        let b1 = DispatchTime.now().uptimeNanoseconds
        let baseRate = Double(baseBlocks) / (Double(b1 - b0) / 1e9)
        let rate = Double(total) / simSeconds
        CLI.printJSON(.object([
            "bench": .string("sim"),
            "workload": .string(workload),
            "replications": .int(Int64(replications)), "blocksPerReplication": .int(Int64(blocks)),
            "miners": .int(Int64(miners)), "jobs": .int(Int64(jobs)),
            "blocks": .int(Int64(total)),
            "seconds": .double((simSeconds * 1000).rounded() / 1000),
            "blocksPerSecond": .double(rate.rounded()),
            "blocksPerSecondPerJob": .double((rate / Double(jobs)).rounded()),
            "baselineAggregateLoopBlocksPerSecond": .double(baseRate.rounded()),
            "ratioPerJobToBaseline": .double(((rate / Double(jobs)) / baseRate * 1000).rounded() / 1000),
            "meanInterval": .double(summary.meanInterval),
            "baselineChecksum": .double(checksum),
        ]))
    }

    /// One exponential draw at the aggregate rate and one EMA retarget step per block.
    static func aggregateLoop(blocks: Int) -> Double {
        var rng = SplitMix64(seed: 0x1234_5678)
        var theta = 9.0, ema = 0.0, t = 0.0
        let a = 1 - Foundation.pow(2, -1.0 / 24), rate = 22000.0
        for _ in 0..<blocks {
            let u = (Double(rng.next() >> 11) + 0.5) * 0x1.0p-53
            let dt = -Foundation.log(u) / (rate * Foundation.exp(-theta))
            t += dt
            ema = (1 - a) * ema + a * Foundation.log(dt / 2.0)
            theta = min(max(theta - 0.75 * ema, 1), 12)
        }
        return t
    }
}
