import MiningCore
import Testing
@testable import PoIESSim

/// `PolicyBridge.selectOneType` is a shortcut for the simulator's usual pools; it must give exactly
/// what the full `ProofSelector` gives, or decline.
@Suite struct OneTypeSelectionTests {
    /// The devnet policy and variants where maxProofs, the type cap, the escort rule or Γ bind.
    static func policies() throws -> [PolicyBridge] {
        let devnet = PolicyBridge.devnetTOML
        let variants: [(String, String)] = [
            ("", ""),
            ("maxProofs = 16\nalpha", "maxProofs = 3\nalpha"),
            ("maxProofs = 16\nalpha", "maxProofs = 1\nalpha"),
            ("perProofCap = 4000000\nperTypeCap = 4000000", "perProofCap = 2500000\nperTypeCap = 7000000"),
            ("escortQPpm = 150000", "escortQPpm = 0"),
            ("escortQPpm = 150000", "escortQPpm = 600000"),
            ("gammaCapMicro = 8000000", "gammaCapMicro = 5000000"),
        ]
        return try variants.map { old, new in
            let text = old.isEmpty ? devnet : devnet.replacingOccurrences(of: old, with: new)
            #expect(old.isEmpty || text != devnet, "variant \(new) did not apply")
            return try PolicyBridge(toml: text)
        }
    }

    @Test func agreesWithTheSelector() throws {
        var rng = SplitMix64(seed: 14)
        let palette: [Int64] = [-3, 0, 1, 700_000, 1_000_000, 1_500_000, 1_500_000, 2_000_000, 2_666_667, 4_000_000, 6_000_000]
        var checked = 0, declined = 0
        for policy in try Self.policies() {
            for round in 0..<3000 {
                let n = Int(rng.next() % 24)
                var cands: [CandidateProof] = []
                for _ in 0..<n {
                    let psi = round % 2 == 0 ? palette[Int(rng.next() % UInt64(palette.count))] : Int64(rng.next() % 5_000_000)
                    // Mostly AI; now and then a proof of another type (credited or not).
                    let other = rng.next() % 16 == 0
                    let type: ProofType = other ? .quantum : .ai
                    let w0 = round % 3 == 0 ? rng.next() % 4 : rng.next()  // close nullifiers too
                    cands.append(CandidateProof(type: type, psiAdjMicro: other && rng.next() % 2 == 0 ? 0 : psi,
                                                nullifier: Nullifier(w0: w0, w1: rng.next(), w2: rng.next(), w3: rng.next())))
                }
                var fast = Selection()
                fast.chosen = [99]  // storage is reused: stale contents must not leak
                fast.creditedByType[3] = 7
                guard policy.selectOneType(cands, into: &fast) else { declined += 1; continue }
                let full = policy.select(cands, thetaMicro: 9_000_000)
                #expect(fast.chosen == full.chosen, "chosen \(cands.map(\.psiAdjMicro))")
                #expect(fast.creditedMicro == full.creditedMicro)
                #expect(fast.creditedByType == full.creditedByType)
                checked += 1
            }
        }
        #expect(checked > 10_000)
        #expect(declined > 100)
    }

    /// Alike proofs with distinct nullifiers (`distinctNullifiers: true`, no sort): the same as
    /// the full selector.
    @Test func alikeProofsAgreeWithTheSelector() throws {
        var rng = SplitMix64(seed: 15)
        let palette: [Int64] = [1, 700_000, 1_000_000, 1_333_334, 1_500_000, 2_000_000, 2_666_667, 4_000_000, 6_000_000]
        var checked = 0
        for policy in try Self.policies() {
            for round in 0..<2000 {
                let n = 1 + Int(rng.next() % 19)
                let psi = palette[Int(rng.next() % UInt64(palette.count))]
                var seen = Set<Nullifier>()
                var cands: [CandidateProof] = []
                while cands.count < n {
                    let w0 = round % 3 == 0 ? rng.next() % 64 : rng.next()  // close nullifiers too
                    let nf = Nullifier(w0: w0, w1: rng.next() % 2, w2: 0, w3: 0)
                    if seen.insert(nf).inserted { cands.append(CandidateProof(type: .ai, psiAdjMicro: psi, nullifier: nf)) }
                }
                var fast = Selection()
                fast.chosen = [99]
                fast.creditedByType[3] = 7
                #expect(policy.selectOneType(cands, into: &fast, distinctNullifiers: true))
                let full = policy.select(cands, thetaMicro: 9_000_000)
                #expect(fast.chosen == full.chosen, "chosen \(cands.map(\.psiAdjMicro))")
                #expect(fast.creditedMicro == full.creditedMicro)
                #expect(fast.creditedByType == full.creditedByType)
                checked += 1
            }
        }
        #expect(checked == 14_000)
    }

    /// More than `oneTypeLimit` proofs with credit, or two credited types: the full selector runs.
    @Test func declinesWhatItDoesNotCover() throws {
        let policy = try PolicyBridge(toml: PolicyBridge.devnetTOML)
        func proof(_ t: ProofType, _ i: UInt64) -> CandidateProof {
            CandidateProof(type: t, psiAdjMicro: 1_000_000, nullifier: Nullifier(w0: i, w1: 0, w2: 0, w3: 0))
        }
        var sel = Selection()
        #expect(!policy.selectOneType((0..<20).map { proof(.ai, $0) }, into: &sel))
        #expect(policy.selectOneType((0..<19).map { proof(.ai, $0) }, into: &sel))
        #expect(!policy.selectOneType([proof(.ai, 1), proof(.quantum, 2)], into: &sel))
        #expect(!policy.selectOneType([proof(.ai, 1), proof(.ai, 1)], into: &sel))
    }
}
