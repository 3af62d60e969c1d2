import MiningCore
import Testing
@testable import PoIESSim

/// Block rewards, market purchases and own-farm costs (`[chain] blockReward`, `[[providers]] price`).
/// Fixed seeds in the scenario text.
@Suite struct MarketEconomicsTests {
    static let toml = """
        [scenario]
        seed = 77
        blocks = 3000
        warmupBlocks = 100
        [chain]
        thetaMicro0 = 9000000
        blockReward = 3.125
        [[miners]]
        name = "buyer"
        hashrate = 3000.0
        [[miners]]
        name = "abstainer"
        hashrate = 3000.0
        market = false
        [[miners]]
        name = "farmer"
        hashrate = 3000.0
        market = false
        [[providers]]
        type = "ai"
        owner = "market"
        price = 0.25
        rate = 0.5
        metrics = { units = 1.5 }
        [[providers]]
        type = "vdf"
        owner = "farmer"
        price = 0.125
        interval = 4.0
        metrics = { iterations = 100000000 }
        """

    @Test func rewardsAndSpendAddUp() throws {
        let sc = try SimFixture.scenario(Self.toml)
        let (rows, st) = try SimFixture.blocks(sc)
        let buyer = st.groups[0], abstainer = st.groups[1], farmer = st.groups[2]
        for g in st.groups { #expect(g.reward == Double(g.blocks) * 3.125) }
        // Only the buyer buys; it pays the price of each market proof it attaches.
        #expect(buyer.marketProofs > 0)
        #expect(buyer.proofSpend == Double(buyer.marketProofs) * 0.25)
        #expect(abstainer.marketProofs == 0 && abstainer.proofSpend == 0)
        // The farmer pays for every proof its VDF provider produced after warm-up, used or not.
        #expect(farmer.marketProofs == 0)
        let counted = rows.filter { $0.height >= 100 }
        let aiCredited = counted.filter { $0.psiByType.1 > 0 }
        #expect(aiCredited.allSatisfy { sc.miners[$0.minerGroup].name == "buyer" })
        #expect(farmer.proofSpend > 0)
        #expect((farmer.proofSpend / 0.125).rounded() == farmer.proofSpend / 0.125)
        // Every attached proof is either a market proof (buyer) or the farmer's own VDF proof.
        let vdfBlocks = counted.filter { $0.psiByType.4 > 0 }
        #expect(vdfBlocks.allSatisfy { sc.miners[$0.minerGroup].name == "farmer" })
        #expect(st.proofsAttached == buyer.marketProofs + vdfBlocks.count)
    }

    @Test func ownFarmCostIsPricePerProducedProof() throws {
        // Only the farmer's provider produces: every counted proof is charged to it.
        let sc = try SimFixture.scenario(Self.toml, ["providers.0.count=0"])
        let (_, st) = try SimFixture.blocks(sc)
        #expect(st.proofsProduced > 0)
        #expect(st.groups[2].proofSpend == Double(st.proofsProduced) * 0.125)
        #expect(st.groups[0].proofSpend == 0)
    }

    @Test func networkModeCountsProofsOfCanonicalBlocksAndPaysRewardsForThem() throws {
        // Only the farmer's VDF provider (maxProofs 1): each credited canonical block carries one proof.
        let sc = try SimFixture.scenario(Self.toml, ["providers.0.count=0", "network.propagation=0.5"])
        let (rows, st) = try SimFixture.blocks(sc)
        #expect(st.orphans > 0)
        let canonical = rows.filter { !$0.orphaned && $0.height >= 100 }
        #expect(st.proofsAttached > 0)
        #expect(st.proofsAttached == canonical.filter { $0.psiByType.4 > 0 }.count)
        for (g, grp) in st.groups.enumerated() {
            #expect(grp.reward == Double(canonical.filter { $0.minerGroup == g }.count) * 3.125)
        }
    }

    @Test func maxPriceKeepsPricierMarketProofsOut() throws {
        let sc = try SimFixture.scenario("""
            [scenario]
            seed = 78
            blocks = 3000
            [chain]
            thetaMicro0 = 9000000
            [[miners]]
            name = "frugal"
            hashrate = 3000.0
            maxPrice = 0.2
            [[miners]]
            name = "lavish"
            hashrate = 3000.0
            [[providers]]
            type = "ai"
            owner = "market"
            price = 0.1
            rate = 0.3
            metrics = { units = 1.5 }
            [[providers]]
            type = "quantum"
            owner = "market"
            price = 0.5
            rate = 0.3
            metrics = { units = 1.0 }
            """)
        let (rows, st) = try SimFixture.blocks(sc)
        let frugal = st.groups[0], lavish = st.groups[1]
        #expect(frugal.marketProofs > 0 && lavish.marketProofs > 0)
        // Only the 0.1 proofs are candidates for the frugal group; the lavish one buys both kinds.
        #expect(abs(frugal.proofSpend - Double(frugal.marketProofs) * 0.1) < 1e-6)  // a float sum of 0.1s
        #expect(!rows.contains { $0.minerGroup == 0 && $0.psiByType.2 > 0 })
        #expect(rows.contains { $0.minerGroup == 1 && $0.psiByType.2 > 0 })
        #expect(lavish.proofSpend > Double(lavish.marketProofs) * 0.1)
    }

    @Test func maxPriceNeedsAMarketBuyer() {
        #expect {
            _ = try SimFixture.scenario(Self.toml, ["miners.abstainer.maxPrice=1.0"])
        } throws: { e in
            let m = "\(e)"
            return m.contains("miners.1.maxPrice") && m.contains("market = false")
        }
    }

    @Test func minersCSVAndSummaryCarryTheEconomics() throws {
        let sc = try SimFixture.scenario(Self.toml, ["scenario.replications=2"])
        let dir = SimFixture.tempDir()
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: 2, outDir: dir, outputs: .all))
        let text = try String(contentsOfFile: dir + "/miners.csv", encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        #expect(header == RunOutputs.Miners.all)
        let col = { (n: String) in header.firstIndex(of: n)! }
        var spend = 0.0, bought = 0
        for line in lines.dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            let reward = Double(f[col("reward")])!, s = Double(f[col("proof_spend")])!
            #expect(Double(f[col("net_reward")])! == reward - s)
            #expect(reward == Double(f[col("blocks")])! * 3.125)
            spend += s
            bought += Int(f[col("market_proofs")])!
        }
        #expect(lines.count == 1 + 2 * 3)
        #expect(summary.proofSpend == spend)
        #expect(summary.marketProofsBought == bought)
        guard case .object(let o) = summary.json else { Issue.record("summary is not an object"); return }
        #expect(o["marketProofsBought"] == .int(Int64(bought)))
    }
}

/// `ProofPool`'s running per-type sums against a recount, and the O(1) optimal credit against the
/// candidate-list bound, over seeded random pool operations (SplitMix-style counter RNG, seed 5).
@Suite struct ProofPoolSumTests {
    @Test func runningSumsMatchRecountAndBound() throws {
        let policy = try PolicyBridge(toml: PolicyBridge.devnetTOML)
        var rng = StreamRNG(seed: 5, replication: 0, stream: .winner)
        var pool = ProofPool()
        var serial: UInt64 = 0
        for step in 0..<20_000 {
            let r = rng.uniformOpen()
            if r < 0.6 || pool.isEmpty {
                let t = ProofType.allCases[Int(rng.uniformOpen() * 5)]
                let psi = Int64(rng.uniformOpen() * 7_000_000) - 500_000
                serial += 1
                let p = SimProof(type: t, metrics: .vdf(iterations: 1), psiAdjMicro: psi,
                                 cappedMicro: policy.cappedMicro(psi, t), nullifier: Nullifier(&rng),
                                 provider: 0, serial: serial, honest: true)
                let before = pool.proofs.map(\.serial)
                let changed = pool.add(p, maxOfType: policy.maxProofs(t))
                #expect(changed == (pool.proofs.map(\.serial) != before), "step \(step)")
            } else if r < 0.8 {
                let victim = pool.proofs[Int(rng.uniformOpen() * Double(pool.proofs.count))]
                let removed = pool.remove(provider: 0, serial: victim.serial)
                #expect(removed)
            } else {
                let k = min(pool.proofs.count, 3)
                _ = pool.remove(nullifiers: pool.proofs.prefix(k).map(\.nullifier))
            }
            var recount = [Int64](repeating: 0, count: 6)
            for p in pool.proofs { recount[Int(p.type.rawValue)] += p.cappedMicro }
            #expect(recount == pool.cappedSum, "step \(step)")
            for t in ProofType.allCases { #expect(pool.proofs.filter { $0.type == t }.count <= policy.maxProofs(t)) }
            #expect(policy.optimalCredit(cappedSums: pool.cappedSum) == policy.optimalCreditBound(pool.proofs.map { $0.candidate }))
        }
    }
}
