import Foundation
import MiningCore
import Testing
import TestSupport

@Suite struct CreditTests {
    struct DownscaleCase: Decodable { var values: [Int64]; var ids: [String]; var target: Int64; var out: [Int64] }
    struct VectorPolicy: Decodable {
        var gammaCapMicro: Int64
        var escortQPpm: Int64
        var perTypeCap: [String: Int64]
        var perProofCap: [String: Int64]
        var caps: CapsPolicy {
            CapsPolicy(gammaCapMicro: gammaCapMicro, escortQPpm: escortQPpm,
                       perProofCap: PerType { perProofCap[$0.policyName]! }, perTypeCap: PerType { perTypeCap[$0.policyName]! })
        }
    }
    struct VectorProof: Decodable { var type: String; var psiAdjMicro: Int64; var nullifier: String }
    struct CreditCase: Decodable { var policy: VectorPolicy; var proofs: [VectorProof]; var credited: [Int64]; var total: Int64 }
    struct File: Decodable { var downscale: [DownscaleCase]; var credit: [CreditCase] }

    static func load() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: ProjectPaths.vectors.appendingPathComponent("caps.json")))
    }

    static func proofs(_ c: CreditCase) throws -> [CreditProof] {
        try c.proofs.map { CreditProof(type: try #require(ProofType(policyName: $0.type)), psiAdjMicro: $0.psiAdjMicro,
                                       nullifier: try Hex.decode($0.nullifier)) }
    }

    @Test func everyDownscaleVector() throws {
        let f = try Self.load()
        #expect(f.downscale.count == 20)
        for (i, c) in f.downscale.enumerated() {
            let ids = try c.ids.map { try Hex.decode($0) }
            let out = Downscale.apply(c.values, target: c.target, ids: ids)
            #expect(out == c.out, "downscale case \(i)")
            #expect(out.reduce(0, +) == c.target, "case \(i) sums to its target")
        }
    }

    @Test func everyCreditVector() throws {
        let f = try Self.load()
        #expect(f.credit.count == 20)
        for (i, c) in f.credit.enumerated() {
            let r = Credit.compute(try Self.proofs(c), caps: c.policy.caps)
            #expect(r.credited == c.credited, "credit case \(i)")
            #expect(r.total == c.total, "credit case \(i)")
            #expect(r.breakdown.gamma.after == c.total)
            #expect(r.breakdown.perType.reduce(0) { $0 + $1.1.credited } == c.total)
        }
    }

    @Test func downscaleEdges() {
        let ids: [[UInt8]] = [[1], [2], [3]]
        #expect(Downscale.apply([5, 5, 5], target: 0, ids: ids) == [0, 0, 0])
        #expect(Downscale.apply([0, 0, 0], target: 7, ids: ids) == [0, 0, 0])
        #expect(Downscale.apply([1, 2, 3], target: 6, ids: ids) == [1, 2, 3])
        // Equal fractions: the larger id gets the unit.
        #expect(Downscale.apply([1, 1, 1], target: 2, ids: ids) == [0, 1, 1])
        #expect(Downscale.apply([1, 1, 1], target: 1, ids: [[9], [2], [3]]) == [1, 0, 0])
        // Equal ids: the lower index wins.
        #expect(Downscale.apply([1, 1], target: 1, ids: [[4], [4]]) == [1, 0])
        // A prefix id is smaller than its extension.
        #expect(Downscale.apply([1, 1], target: 1, ids: [[4], [4, 0]]) == [0, 1])
    }

    @Test func breakdownNamesTheBindingCaps() {
        let caps = Policy.devnet.caps
        let n = { (b: UInt8) in [UInt8](repeating: b, count: 32) }
        let proofs = [
            CreditProof(type: .ai, psiAdjMicro: 3_000_000, nullifier: n(1)),
            CreditProof(type: .ai, psiAdjMicro: 5_000_000, nullifier: n(2)),   // per-proof cap 4e6
            CreditProof(type: .hashShare, psiAdjMicro: 4_500_000, nullifier: n(3)),
            CreditProof(type: .vdf, psiAdjMicro: -3, nullifier: n(4)),
        ]
        let r = Credit.compute(proofs, caps: caps)
        let ai = r.breakdown.perType[.ai]
        #expect(ai.count == 2 && ai.sumIn == 8_000_000 && ai.afterPerProofCap == 7_000_000 && ai.perProofCapped == 1)
        #expect(ai.typeCapBound && !ai.escortBound && ai.afterTypeCap == 4_000_000)
        #expect(r.breakdown.gamma.sumIn == 8_500_000 && r.breakdown.gamma.bound && r.total == 8_000_000)
        #expect(r.credited.reduce(0, +) == 8_000_000)
        #expect(r.credited[3] == 0)
        #expect(r.breakdown.perType[.vdf].sumIn == 0)
        // Escort: Γ = 4e6, q = 0.5 → effective cap 2e6 < perTypeCap.
        var tight = caps
        tight.gammaCapMicro = 4_000_000
        tight.escortQPpm = 500_000
        let r2 = Credit.compute(proofs, caps: tight)
        #expect(r2.breakdown.perType[.ai].escortBound && r2.breakdown.perType[.ai].afterTypeCap == 2_000_000)
        #expect(r2.total == 4_000_000)
    }

    /// Random blocks (fixed seeds): credit never exceeds Γ, a per-proof cap or an effective type
    /// cap, and permuting the inputs permutes the outputs.
    @Test func propertiesOnRandomBlocks() {
        var rng = SplitMix64(seed: 0xC4ED17)
        for round in 0..<3000 {
            let caps = Self.randomCaps(&rng)
            let proofs = Self.randomProofs(&rng, count: Int.random(in: 0...24, using: &rng))
            let r = Credit.compute(proofs, caps: caps)
            #expect(r.total <= max(caps.gammaCapMicro, 0), "round \(round)")
            #expect(r.total == r.credited.reduce(0, +))
            var perType = PerType<Int64>(repeating: 0)
            for (p, c) in zip(proofs, r.credited) {
                #expect(c >= 0 && c <= caps.perProofCap[p.type] && c <= max(p.psiAdjMicro, 0), "round \(round)")
                perType[p.type] += c
            }
            for (t, s) in perType { #expect(s <= caps.effectiveTypeCap(t), "round \(round) type \(t)") }
            // Exactness: total = min(Γ, Σ_t min(E_t, Σ capped)).
            var expected: Int64 = 0
            for t in ProofType.allCases {
                let s = proofs.filter { $0.type == t }.reduce(Int64(0)) { $0 + min(max($1.psiAdjMicro, 0), caps.perProofCap[t]) }
                expected += min(s, caps.effectiveTypeCap(t))
            }
            #expect(r.total == min(expected, caps.gammaCapMicro), "round \(round)")

            let perm = Array(proofs.indices).shuffled(using: &rng)
            let r2 = Credit.compute(perm.map { proofs[$0] }, caps: caps)
            #expect(r2.credited == perm.map { r.credited[$0] }, "round \(round): order independence")
            #expect(r2.total == r.total)
        }
    }

    static func randomCaps(_ rng: inout SplitMix64) -> CapsPolicy {
        let gamma = Int64.random(in: 0...12_000_000, using: &rng)
        let perType = PerType<Int64> { _ in Int64.random(in: 0...gamma, using: &rng) }
        let perProof = perType.map { Int64.random(in: 0...$0, using: &rng) }
        return CapsPolicy(gammaCapMicro: gamma, escortQPpm: [0, 150_000, 500_000, 1_000_000].randomElement(using: &rng)!,
                          perProofCap: perProof, perTypeCap: perType)
    }

    static func randomProofs(_ rng: inout SplitMix64, count: Int) -> [CreditProof] {
        (0..<count).map { i in
            var nul = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            nul[0] = UInt8(truncatingIfNeeded: i)  // distinct nullifiers
            let psi: Int64 = Bool.random(using: &rng) ? Int64.random(in: -10...6_000_000, using: &rng) : Int64.random(in: 0...20, using: &rng)
            return CreditProof(type: ProofType.allCases.randomElement(using: &rng)!, psiAdjMicro: psi, nullifier: nul)
        }
    }

    /// `Downscale.total` is the sum `apply` leaves, whatever the values, target and ids.
    @Test func downscaleTotalIsTheSumApplyLeaves() {
        var rng = SplitMix64(seed: 8)
        for round in 0..<20_000 {
            let n = 1 + Int(rng.next() % 8)
            let values = (0..<n).map { _ in
                round % 4 == 0 ? Int64(rng.next() % 7) - 2 : Int64(rng.next() % 5_000_000) - (round % 5 == 0 ? 100_000 : 0)
            }
            let sum = values.reduce(0, +)
            let target = round % 3 == 0 ? Int64(rng.next() % 10_000_000) : sum - Int64(rng.next() % UInt64(max(1, sum / 2 + 1)))
            let ids = (0..<n).map { _ in (0..<4).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
            let out = Downscale.apply(values, target: target, ids: ids)
            #expect(Downscale.total(of: values, target: target) == out.reduce(0, +), "\(values) → \(target)")
        }
    }
}
