import Foundation
import MiningCore
import Testing
@testable import PoIESSim

/// `strategy = "withholding"` (selfish mining adapted to PoIES fork choice; rules in
/// docs/decisions/withholding.md). Every scenario states its fixed seed.
@Suite struct WithholdingTests {
    /// One withholding group "w" (share α of the hashrate) against one honest group "h", fixed Θ =
    /// 9 nats (so a block's S is Θ + Exp(1) nats and a one-block difference in height is never
    /// outweighed by luck, e^−9 ≈ 10^−4), T ≈ 600 s and a 0.05 s propagation: natural forks are
    /// ~10^−4 per block, so the share the withholder gains comes from the strategy alone.
    static func scenario(alpha: Double, seed: Int, blocks: Int, propagation: Double = 0.05,
                         _ overrides: [String] = []) throws -> Scenario {
        // Σ hashrate · e^−9 = 1/600 s.
        let total = exp(9.0) / 600
        return try SimFixture.scenario("""
            [scenario]
            seed = \(seed)
            blocks = \(blocks)
            [chain]
            thetaMicro0 = 9000000
            targetBlockSeconds = 600.0
            [chain.retarget]
            rule = "fixed"
            [network]
            propagation = \(propagation)
            [[miners]]
            name = "w"
            hashrate = \(alpha * total)
            strategy = "withholding"
            [[miners]]
            name = "h"
            hashrate = \((1 - alpha) * total)
            """, overrides)
    }

    /// The withholder's long-run share of canonical blocks under the rules as implemented, in the
    /// limit of instant propagation and Θ ≫ 1 nat (a longer branch always wins, equal lengths are a
    /// fair coin on the H values, and every X = S − Θ is a fresh Exp(1), so the state is just the
    /// private lead). Markov chain per found block (withholder with probability α):
    /// - lead 0: α → lead 1; 1 − α → honest block.
    /// - racing (lead 0 after publishing everything with a lead over P below Θ): α → published at
    ///   once (+1 w), lead 0; 1 − α → honest block, lead 0.
    /// - lead 1: α → 2; 1 − α → coin: w's block wins (+1 w, racing) or P wins (+1 h, lead 0).
    /// - lead 2: α → 3; 1 − α → coin: first block beats P (+1 w, lead 1), else both are published
    ///   (+2 w) and with probability ½ (X_P > X₁ + X₂ given X_P > X₁) the lead over P is below Θ
    ///   (racing) else lead 0.
    /// - lead m ≥ 3: α → m + 1; 1 − α → +1 w, lead m − 1 or +2 w, lead m − 2 (½ each).
    /// Solved by power iteration on the chain truncated at lead 200.
    static func theoryShare(alpha a: Double) -> Double {
        let top = 200, n = top + 2  // index 0: lead 0, 1: racing, 1 + m: lead m
        let b = 1 - a
        var pi = [Double](repeating: 0, count: n)
        pi[0] = 1
        var rw = 0.0, rh = 0.0
        for _ in 0..<4000 {
            var nx = [Double](repeating: 0, count: n)
            nx[2] += a * pi[0]; nx[0] += b * pi[0]
            nx[0] += pi[1]
            nx[3] += a * pi[2]; nx[1] += b / 2 * pi[2]; nx[0] += b / 2 * pi[2]
            nx[4] += a * pi[3]; nx[2] += b / 2 * pi[3]; nx[1] += b / 4 * pi[3]; nx[0] += b / 4 * pi[3]
            for m in 3...top {
                nx[1 + min(m + 1, top)] += a * pi[1 + m]
                nx[m] += b / 2 * pi[1 + m]
                nx[m - 1] += b / 2 * pi[1 + m]
            }
            pi = nx
        }
        rh = b * pi[0] + b * pi[1] + b / 2 * pi[2]
        rw = a * pi[1] + b / 2 * pi[2] + b * 1.5 * pi[3]
        for m in 3...top { rw += b * 1.5 * pi[1 + m] }
        return rw / (rw + rh)
    }

    /// Eyal & Sirer (2014), revenue of a selfish pool of size α with tie-breaking share γ — the
    /// longest-chain reference (α = 0.4, γ = 0: 0.4837; α = 0.1: 0.0356).
    static func eyalSirer(alpha a: Double, gamma g: Double) -> Double {
        (a * (1 - a) * (1 - a) * (4 * a + g * (1 - 2 * a)) - a * a * a) / (1 - a * (1 + (2 - a) * a))
    }

    @Test func theoryChainIsSane() {
        // The PoIES race is a fair coin where Eyal–Sirer (γ = 0) lets the honest side win ties:
        // the adapted strategy earns more than Eyal–Sirer's for small α, a little less at α = 0.4.
        #expect(abs(Self.theoryShare(alpha: 0.4) - 0.4666) < 0.001)
        #expect(abs(Self.theoryShare(alpha: 0.1) - 0.0653) < 0.001)
        #expect(abs(Self.eyalSirer(alpha: 0.4, gamma: 0) - 0.4837) < 0.001)
        #expect(abs(Self.theoryShare(alpha: 0) - 0) < 1e-12)
    }

    /// Tolerance: 4 σ of a binomial share over n canonical blocks, σ inflated ×2 because a
    /// withholder publishes in bursts (a Monte Carlo of the chain above gives ×1.7 at α = 0.4 and
    /// ×1.06 at α = 0.1 over 20 000 blocks).
    static func tolerance(_ p: Double, _ n: Int) -> Double { 4 * 2 * (p * (1 - p) / Double(n)).squareRoot() }

    @Test(arguments: [(0.4, 41), (0.1, 42)])
    func canonicalShareMatchesTheory(alpha: Double, seed: Int) throws {
        let sc = try Self.scenario(alpha: alpha, seed: seed, blocks: 40000)
        let (_, st) = try SimFixture.blocks(sc)
        #expect(st.blocks == 40000)
        let share = Double(st.groups[0].blocks) / Double(st.blocks)
        let expected = Self.theoryShare(alpha: alpha)
        let tol = Self.tolerance(expected, st.blocks)
        #expect(abs(share - expected) <= tol, "α \(alpha): share \(share) vs theory \(expected) ± \(tol)")
        // The hashrate share itself (work after warm-up) is α.
        let work = st.groups[0].work / (st.groups[0].work + st.groups[1].work)
        #expect(abs(work - alpha) < 1e-9)
        if alpha >= 0.4 {
            #expect(share > alpha + 0.04, "a 40% withholder earns clearly more than its hashrate: \(share)")
        } else {
            #expect(share < alpha - 0.02, "a 10% withholder earns clearly less than its hashrate: \(share)")
        }
    }

    /// Honest blocks are orphaned when the withholder overrides them; without the withholder
    /// (same settings, steady strategy) forks are all but absent. Propagation 0 also exercises
    /// the forced network mode.
    @Test func withholderOrphansHonestBlocks() throws {
        let sc = try Self.scenario(alpha: 0.35, seed: 43, blocks: 10000, propagation: 0)
        #expect(!sc.network.isInstant)
        let (rows, st) = try SimFixture.blocks(sc)
        let honestRate = Double(st.groups[1].orphans) / Double(st.groups[1].blocks + st.groups[1].orphans)
        #expect(honestRate > 0.1, "honest orphan rate \(honestRate)")
        #expect(st.groups[0].orphans > 0)
        #expect(rows.filter(\.orphaned).count == st.orphans)
        // The canonical chain is contiguous and its intervals are time differences along it.
        let canon = rows.filter { !$0.orphaned }
        #expect(canon.map(\.height) == Array(0..<10000))
        for i in 1..<canon.count { #expect(abs(canon[i].interval - (canon[i].time - canon[i - 1].time)) < 1e-9) }

        let honest = try Self.scenario(alpha: 0.35, seed: 43, blocks: 10000, propagation: 0.05, ["miners.w.strategy=\"steady\""])
        let (_, st2) = try SimFixture.blocks(honest)
        #expect(Double(st2.orphans) / Double(st2.blocks) < 0.002, "orphans without the withholder: \(st2.orphans)")
    }

    /// Same scenario and seed → byte-identical outputs with 1 and 2 jobs (proof consumption by
    /// private blocks, random propagation delays and several replications included).
    @Test func outputsAreIdenticalForOneAndTwoJobs() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 44
            blocks = 2000
            warmupBlocks = 100
            replications = 3
            [chain]
            thetaMicro0 = 9000000
            [network]
            propagation = { dist = "lognormal", mu = -1.6, sigma = 0.5 }
            [[miners]]
            name = "w"
            hashrate = 2000.0
            strategy = "withholding"
            [[miners]]
            name = "a"
            hashrate = 2000.0
            [[miners]]
            name = "b"
            hashrate = 2000.0
            [[providers]]
            type = "ai"
            owner = "market"
            rate = 0.3
            metrics = { units = { dist = "lognormal", mu = 0.0, sigma = 0.5 } }
            """)
        let (s1, _, _) = try SimFixture.runWithOneAndTwoJobs(sc)
        #expect(s1.blocks == 6000)
        #expect(s1.orphans > 0)
        #expect(s1.psiCreditedByType[Int(ProofType.ai.rawValue)] > 0)
    }

    /// The shipped study loads, runs in network mode and shows the attack (shortened run).
    @Test func shippedScenarioRuns() throws {
        let path = SimFixture.scenariosDir.appendingPathComponent("withholding.toml").path
        let sc = try Scenario.load(path: path, overrides: [try ScenarioOverride(parsing: "scenario.blocks=1500")])
        #expect(sc.miners[0].strategy == .withholding)
        #expect(!sc.network.isInstant)
        let (_, st) = try SimFixture.blocks(sc)
        #expect(st.blocks == 1500)
        #expect(st.groups[1...].allSatisfy { $0.orphans > 0 })
    }

    @Test func hashModeIsRejected() throws {
        do {
            _ = try SimFixture.scenario("""
                [scenario]
                mode = "hash"
                [[miners]]
                name = "a"
                hashrate = 1.0
                [[miners]]
                name = "w"
                hashrate = 1.0
                strategy = "withholding"
                """, file: "s.toml")
            Issue.record("withholding with mode = \"hash\" was accepted")
        } catch let e as ScenarioError {
            #expect(e.keyPath == "miners.1.strategy")
            #expect(e.line == 9)
            #expect(e.description.hasPrefix("s.toml:9: miners.1.strategy: "))
            #expect(e.description.contains("mode = \"rate\""))
        }
    }
}
