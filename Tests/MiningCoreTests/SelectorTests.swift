import Foundation
import MiningCore
import Testing
import TestSupport

@Suite struct SelectorTests {
    static func nul(_ rng: inout SplitMix64, _ i: Int) -> [UInt8] {
        var n = (0..<32).map { _ in UInt8.random(in: 0...3, using: &rng) }  // shared prefixes: real comparisons
        n[31] = UInt8(i)  // distinct
        return n
    }

    /// The reference: every subset that respects maxProofs, ranked by credit desc, count asc,
    /// bytes asc, sorted nullifiers lexicographically asc.
    static func bruteForce(_ cands: [SelectionCandidate], caps: CapsPolicy) -> (set: [Int], total: Int64) {
        var best: (set: [Int], total: Int64, bytes: Int64, nuls: [[UInt8]])?
        for mask in 0..<(1 << cands.count) {
            let set = (0..<cands.count).filter { mask & (1 << $0) != 0 }
            var counts = PerType<Int64>(repeating: 0)
            for i in set { counts[cands[i].type] += 1 }
            if ProofType.allCases.contains(where: { counts[$0] > caps.maxProofs[$0] }) { continue }
            let total = Credit.compute(set.map { CreditProof(type: cands[$0].type, psiAdjMicro: cands[$0].psiAdjMicro,
                                                             nullifier: cands[$0].nullifier) }, caps: caps).total
            let bytes = set.reduce(Int64(0)) { $0 + cands[$1].sizeBytes }
            let nuls = set.map { cands[$0].nullifier }.sorted { $0.lexicographicallyPrecedes($1) }
            if let b = best {
                if total != b.total { if total < b.total { continue } }
                else if set.count != b.set.count { if set.count > b.set.count { continue } }
                else if bytes != b.bytes { if bytes > b.bytes { continue } }
                else if !nuls.lexicographicallyPrecedes(b.nuls, by: { $0.lexicographicallyPrecedes($1) }) { continue }
            }
            best = (set, total, bytes, nuls)
        }
        return (best!.set, best!.total)
    }

    static func tightCaps(_ rng: inout SplitMix64) -> CapsPolicy {
        let gamma = Int64.random(in: 0...10, using: &rng) * 100_000
        let perType = PerType<Int64> { _ in Int64.random(in: 0...gamma / 100_000, using: &rng) * 100_000 }
        let perProof = perType.map { Int64.random(in: 0...$0 / 100_000, using: &rng) * 100_000 + (Bool.random(using: &rng) ? 0 : 50_000) }
            .map { $0 }
        return CapsPolicy(gammaCapMicro: gamma, escortQPpm: [0, 0, 150_000, 500_000].randomElement(using: &rng)!,
                          perProofCap: PerType { min(perProof[$0], perType[$0]) }, perTypeCap: perType,
                          maxProofs: PerType { _ in Int64.random(in: 0...4, using: &rng) })
    }

    static func pool(_ rng: inout SplitMix64, count: Int) -> [SelectionCandidate] {
        (0..<count).map { i in
            SelectionCandidate(type: [ProofType.ai, .quantum, .hashShare, .ai, .storage].randomElement(using: &rng)!,
                               psiAdjMicro: Int64.random(in: -1...6, using: &rng) * 100_000 + (Bool.random(using: &rng) ? 0 : Int64.random(in: 0...3, using: &rng)),
                               nullifier: nul(&rng, i), sizeBytes: Int64.random(in: 0...3, using: &rng))
        }
    }

    /// 2,400 seeded pools of ≤ 12 candidates with tight caps and many ties: the selector equals the
    /// exhaustive search.
    @Test func matchesBruteForceOnSmallPools() {
        var rng = SplitMix64(seed: 0x5E1EC7)
        var nonTrivial = 0, bytesMattered = 0
        for round in 0..<2400 {
            let caps = Self.tightCaps(&rng)
            let cands = Self.pool(&rng, count: Int.random(in: 0...12, using: &rng))
            let sel = ProofSelector(caps: caps).select(cands, thetaMicro: 1_000_000)
            let ref = Self.bruteForce(cands, caps: caps)
            #expect(sel.chosen == ref.set, "round \(round): \(cands) caps \(caps)")
            #expect(sel.credit.total == ref.total, "round \(round)")
            #expect(sel.exhaustive)
            #expect(sel.requiredHashTarget == max(0, 1_000_000 - ref.total))
            if ref.total > 0 { nonTrivial += 1 }
            // Did the greedy top-k-by-ψ answer differ in bytes from the optimum?
            let greedyBytes = Self.greedyBytes(cands, caps: caps, count: ref.set.count)
            if let g = greedyBytes, g > sel.totalBytes { bytesMattered += 1 }
        }
        #expect(nonTrivial > 1500)
        #expect(bytesMattered > 20, "the fixture must exercise the bytes tie-break beyond top-k")
    }

    /// Bytes of "top k by ψ per type" with the optimal per-type counts — the naive answer.
    static func greedyBytes(_ cands: [SelectionCandidate], caps: CapsPolicy, count: Int) -> Int64? {
        // Not needed to be exact: a set of `count` items taking the largest capped ψ overall.
        let order = cands.indices.sorted {
            let a = min(max(cands[$0].psiAdjMicro, 0), caps.perProofCap[cands[$0].type])
            let b = min(max(cands[$1].psiAdjMicro, 0), caps.perProofCap[cands[$1].type])
            return a != b ? a > b : $0 < $1
        }
        guard count > 0 else { return nil }
        return order.prefix(count).reduce(0) { $0 + cands[$1].sizeBytes }
    }

    @Test func orderIndependent() {
        var rng = SplitMix64(seed: 0x0DE4)
        for round in 0..<500 {
            let caps = Self.tightCaps(&rng)
            let cands = Self.pool(&rng, count: Int.random(in: 0...40, using: &rng))
            let a = ProofSelector(caps: caps).select(cands, thetaMicro: 0)
            let perm = Array(cands.indices).shuffled(using: &rng)
            let b = ProofSelector(caps: caps).select(perm.map { cands[$0] }, thetaMicro: 0)
            #expect(Set(b.chosen.map { perm[$0] }) == Set(a.chosen), "round \(round)")
            #expect(a.credit.total == b.credit.total)
        }
    }

    @Test func dropsDuplicatesStaleAndUselessWithReasons() {
        let n = { (b: UInt8) in [UInt8](repeating: b, count: 32) }
        let cands = [
            SelectionCandidate(type: .ai, psiAdjMicro: 1_000_000, nullifier: n(1)),
            SelectionCandidate(type: .ai, psiAdjMicro: 2_000_000, nullifier: n(1)),  // duplicate, better: kept
            SelectionCandidate(type: .quantum, psiAdjMicro: 2_000_000, nullifier: n(2)),  // stale
            SelectionCandidate(type: .vdf, psiAdjMicro: 0, nullifier: n(3)),
            SelectionCandidate(type: .vdf, psiAdjMicro: 400_000, nullifier: n(4)),
            SelectionCandidate(type: .vdf, psiAdjMicro: 300_000, nullifier: n(5)),  // maxProofs VDF = 1
        ]
        let sel = ProofSelector(policy: .devnet).select(cands, thetaMicro: 3_000_000, isSeen: { $0 == n(2) })
        #expect(sel.chosen == [1, 4])
        #expect(sel.credit.total == 2_400_000)
        #expect(sel.requiredHashTarget == 600_000)
        let reasons = Dictionary(uniqueKeysWithValues: sel.dropped.map { ($0.index, $0.reason) })
        #expect(reasons == [0: .duplicateNullifier(kept: 1), 2: .seenWithinTTL, 3: .noCredit, 5: .notSelected])
    }

    @Test func slackPrefersFewerBytesOverTopK() {
        // Γ = 1.0, no escort: AI 0.6 (100 B) + any 0.5 reaches Γ; AI 0.5 (10 B) + STORAGE 0.5 (10 B) too.
        let caps = CapsPolicy(gammaCapMicro: 1_000_000, escortQPpm: 0,
                              perProofCap: PerType(repeating: 1_000_000), perTypeCap: PerType(repeating: 1_000_000),
                              maxProofs: PerType(repeating: 4))
        let n = { (b: UInt8) in [UInt8](repeating: b, count: 32) }
        let cands = [
            SelectionCandidate(type: .ai, psiAdjMicro: 600_000, nullifier: n(1), sizeBytes: 100),
            SelectionCandidate(type: .ai, psiAdjMicro: 500_000, nullifier: n(2), sizeBytes: 10),
            SelectionCandidate(type: .storage, psiAdjMicro: 500_000, nullifier: n(3), sizeBytes: 10),
        ]
        let sel = ProofSelector(caps: caps).select(cands, thetaMicro: 5_000_000)
        #expect(sel.chosen == [1, 2])
        #expect(sel.credit.total == 1_000_000 && sel.totalBytes == 20)
    }

    /// A 10,000-candidate pool: the credit is the maximum min(Γ, Σ_t min(E_t, top maxProofs)),
    /// reached with the greedy count, and the search finishes.
    @Test func largePoolReachesTheMaximum() {
        var rng = SplitMix64(seed: 10_000)
        let cands = (0..<10_000).map { i in
            SelectionCandidate(type: ProofType.allCases.randomElement(using: &rng)!,
                               psiAdjMicro: Int64.random(in: 0...2_000_000, using: &rng),
                               nullifier: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) },
                               sizeBytes: Int64.random(in: 100...5000, using: &rng))
        }
        let policy = Policy.devnet
        let sel = ProofSelector(policy: policy).select(cands, thetaMicro: 10_000_000)
        var expected: Int64 = 0
        for t in ProofType.allCases {
            let top = cands.filter { $0.type == t }.map { min($0.psiAdjMicro, policy[t].perProofCap) }.sorted(by: >)
                .prefix(Int(policy[t].maxProofs)).reduce(0, +)
            expected += min(top, policy.effectiveTypeCap(t))
        }
        #expect(sel.credit.total == min(expected, policy.gammaCapMicro))
        #expect(sel.exhaustive)
        #expect(sel.chosen.count + sel.dropped.count == cands.count)
        #expect(sel.requiredHashTarget == 10_000_000 - sel.credit.total)
    }
}
