import Foundation
import Testing
@testable import PoIESSim

@Suite struct DeterminismTests {
    /// Same scenario + seed → byte-identical blocks.csv, miners.csv and summary.json for --jobs 1 and 2.
    @Test func outputsAreIdenticalForOneAndTwoJobs() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 21
            blocks = 3000
            warmupBlocks = 100
            replications = 5
            [[miners]]
            name = "a"
            hashrate = 3000.0
            [[miners]]
            name = "g"
            hashrate = 2000.0
            strategy = "greedy"
            [[providers]]
            type = "ai"
            owner = "market"
            rate = 0.3
            latency = { dist = "exponential", mean = 0.5 }
            metrics = { units = { dist = "lognormal", mu = 0.0, sigma = 0.5 }, traps = { dist = "uniform", min = 0.7, max = 1.0 } }
            """)
        let (s1, _, d2) = try SimFixture.runWithOneAndTwoJobs(sc)
        #expect(s1.blocks == 15000)
        #expect(s1.proofsAttached > 0)
        #expect(!FileManager.default.fileExists(atPath: "\(d2)/.parts"))
    }

    /// Replication r's stream does not depend on which other replications ran.
    @Test func replicationIsAPureFunctionOfSeedAndIndex() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 22
            blocks = 500
            [[miners]]
            hashrate = 1000.0
            """)
        let (a, _) = try SimFixture.blocks(sc, replication: 3)
        _ = try SimFixture.blocks(sc, replication: 1)
        let (b, _) = try SimFixture.blocks(sc, replication: 3)
        let (c, _) = try SimFixture.blocks(sc, replication: 4)
        #expect(a == b)
        #expect(a != c)
    }
}

@Suite struct OutputQuotingTests {
    /// Miner names with commas and quotes survive a round trip through blocks.csv and miners.csv
    /// (RFC 4180 quoting), so reports and notebooks read the same columns (seed 5).
    @Test func minerNamesAreQuoted() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 5
            blocks = 50
            warmupBlocks = 0
            replications = 1
            [[miners]]
            name = "pool, \\"east\\""
            hashrate = 3000.0
            """)
        let dir = SimFixture.tempDir()
        _ = try Simulation.run(scenario: sc, options: .init(jobs: 1, outDir: dir))
        let blocks = try CSV.parse(String(contentsOfFile: "\(dir)/blocks.csv", encoding: .utf8))
        let miners = try CSV.parse(String(contentsOfFile: "\(dir)/miners.csv", encoding: .utf8))
        #expect(blocks.count == 51)
        #expect(blocks.dropFirst().allSatisfy { $0.count == blocks[0].count && $0[3] == "pool, \"east\"" })
        #expect(miners.dropFirst().map { $0[1] } == ["pool, \"east\""])
    }
}
