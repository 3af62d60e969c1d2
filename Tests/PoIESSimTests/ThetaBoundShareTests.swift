import Foundation
import MiningCore
import Testing
@testable import PoIESSim

/// `thetaAtMinShare` / `thetaAtMaxShare`: how often Θ sat on a bound of the rule, and the warning
/// `simctl run` prints above 1% (`ThetaBoundCheck`).
@Suite struct ThetaBoundShareTests {
    static let miners = ChainScenarioTests.miners

    /// A chain whose hash rate needs Θ ≈ 8.5 nats but whose Θmax is 5 nats sits on the bound;
    /// the summary's share equals the count of post-warm-up main-chain blocks at Θmax (seed 31).
    @Test(arguments: ["ema", "asert", "window"])
    func thetaAtMaxShareCountsBlocksOnTheBound(rule: String) throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 31
            blocks = 3000
            warmupBlocks = 200
            replications = 2
            [chain]
            thetaMicro0 = 4000000
            thetaMaxMicro = 5000000
            [chain.retarget]
            rule = "\(rule)"
            [[miners]]
            hashrate = 2500.0
            """)
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: 1))
        var atMax = 0, counted = 0
        for rep in 0..<2 {
            let (rows, _) = try SimFixture.blocks(sc, replication: rep)
            for r in rows where r.height >= 200 && !r.orphaned {
                counted += 1
                if r.thetaMicro == 5_000_000 { atMax += 1 }
            }
        }
        #expect(counted == summary.blocks)
        #expect(summary.thetaAtMaxShare == Double(atMax) / Double(counted))
        #expect(summary.thetaAtMaxShare > 0.9)
        #expect(summary.thetaAtMinShare == 0)
        let w = ThetaBoundCheck.warnings(summary, scenario: sc)
        #expect(w.count == 1)
        #expect(w.first?.hasPrefix("Θ sat at its upper bound 5 nats in ") == true)
        #expect(w.first?.contains("raise thetaMaxMicro or lower the hash rate") == true)
        #expect(summary.json.canonical.contains("\"thetaAtMaxShare\":"))
    }

    /// The lower bound in network mode (blocks written at finality), and `fixed` counts nothing
    /// (seed 32).
    @Test func thetaAtMinShareInNetworkModeAndFixedHasNone() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 32
            blocks = 2000
            [chain]
            thetaMicro0 = 12000000
            thetaMinMicro = 10000000
            [network]
            propagation = 0.05
            [[miners]]
            name = "a"
            hashrate = 300.0
            [[miners]]
            name = "b"
            hashrate = 300.0
            """)
        #expect(!sc.network.isInstant)
        let (rows, st) = try SimFixture.blocks(sc)
        let main = rows.filter { !$0.orphaned }
        #expect(st.thetaAtMin == main.filter { $0.thetaMicro == 10_000_000 }.count)
        #expect(Double(st.thetaAtMin) > 0.9 * Double(st.blocks))
        var s = Summary(scenario: sc)
        s.add(st)
        #expect(ThetaBoundCheck.warnings(s, scenario: sc).first?.hasPrefix("Θ sat at its lower bound 10 nats in ") == true)
        let fixed = try SimFixture.scenario("[scenario]\nseed = 33\nblocks = 300\n[chain]\nthetaMicro0 = 1000000\n[chain.retarget]\nrule = \"fixed\"\n" + Self.miners)
        let (_, fst) = try SimFixture.blocks(fixed)
        #expect(fst.thetaAtMin == 0 && fst.thetaAtMax == 0)
    }
}
