@testable import Devnet
import MiningCore
import Testing

/// The external miner's overlay rule (``SubmissionLedger``) with fixed values, against the devnet
/// policy tightened by small overlays.
@Suite struct SubmissionLedgerTests {
    static func caps(_ overlay: String) throws -> CapsPolicy {
        try SelectionOverlay(toml: overlay).apply(to: .devnet)
    }

    static func n(_ i: UInt8) -> [UInt8] { Array(repeating: i, count: 32) }

    /// Reserves and answers `held` in one step, expecting the rule to allow it.
    static func hold(_ l: inout SubmissionLedger, _ t: ProofType, _ i: UInt8, psi: Int64) {
        #expect(l.reserve(type: t, nullifier: n(i)) == nil, "proof \(i) of \(t) should have been allowed")
        l.answered(nullifier: n(i), heldPsiRawMicro: psi)
    }

    @Test func maxProofsOfTheTypeStopsSubmissionsOfThatTypeOnly() throws {
        var l = SubmissionLedger(caps: try Self.caps("[types.AI]\nmaxProofs = 2\n"))
        Self.hold(&l, .ai, 1, psi: 100_000)
        Self.hold(&l, .ai, 2, psi: 100_000)
        #expect(l.skip(.ai) == .maxProofs(held: 2, limit: 2))
        #expect(l.reserve(type: .ai, nullifier: Self.n(3)) == .maxProofs(held: 2, limit: 2))
        #expect(l.entries[Self.n(3)] == nil, "a skipped proof is not reserved")
        #expect(l.skip(.quantum) == nil)
    }

    @Test func typeCapCountsEachProofAtMostItsPerProofCap() throws {
        var l = SubmissionLedger(caps: try Self.caps("[types.AI]\nperTypeCap = 2000000\nperProofCap = 1000000\n"))
        Self.hold(&l, .ai, 1, psi: 1_500_000)  // counts 1.0 nat, not 1.5
        Self.hold(&l, .ai, 2, psi: 900_000)    // 1.9 < 2: still room
        #expect(l.typeTotal(.ai) == 1_900_000)
        Self.hold(&l, .ai, 3, psi: 200_000)
        #expect(l.skip(.ai) == .typeCap(heldMicro: 2_100_000, capMicro: 2_000_000))
        #expect(l.skip(.storage) == nil)
    }

    @Test func gammaCountsEachTypeAtItsEffectiveCap() throws {
        // Γ 3 nats, q 0.15: each type's effective cap is 2.55 nats.
        var l = SubmissionLedger(caps: try Self.caps("gammaCapMicro = 3000000\n"))
        Self.hold(&l, .ai, 1, psi: 3_000_000)
        #expect(l.skip(.ai) == .typeCap(heldMicro: 3_000_000, capMicro: 2_550_000))
        #expect(l.total() == 2_550_000, "the AI proof counts only its effective cap towards Γ")
        Self.hold(&l, .quantum, 2, psi: 400_000)  // 2.95 < 3
        Self.hold(&l, .storage, 3, psi: 100_000)  // 3.05
        #expect(l.skip(.vdf) == .gamma(heldMicro: 3_050_000, gammaMicro: 3_000_000))
        #expect(l.skip(.quantum) == .gamma(heldMicro: 3_050_000, gammaMicro: 3_000_000))
    }

    @Test func aProofInFlightCountsItsFullPerProofCapUntilAnswered() throws {
        var l = SubmissionLedger(caps: try Self.caps("[types.AI]\nperTypeCap = 2000000\nperProofCap = 1000000\n"))
        #expect(l.reserve(type: .ai, nullifier: Self.n(1)) == nil)
        #expect(l.reserve(type: .ai, nullifier: Self.n(2)) == nil)
        #expect(l.skip(.ai) == .typeCap(heldMicro: 2_000_000, capMicro: 2_000_000))
        l.answered(nullifier: Self.n(1), heldPsiRawMicro: 300_000)
        #expect(l.typeTotal(.ai) == 1_300_000)
        l.answered(nullifier: Self.n(2), heldPsiRawMicro: nil)  // refused: the node does not hold it
        #expect(l.entries[Self.n(2)] == nil)
        #expect(l.typeTotal(.ai) == 300_000)
        #expect(l.skip(.ai) == nil)
    }

    @Test func newParentDropsParentBoundProofsAndBlocksDropWhatTheyUsed() throws {
        var l = SubmissionLedger(caps: try Self.caps("[types.AI]\nmaxProofs = 3\n[types.VDF]\nmaxProofs = 1\n"))
        Self.hold(&l, .ai, 1, psi: 1_000_000)
        Self.hold(&l, .ai, 2, psi: 1_000_000)
        Self.hold(&l, .vdf, 3, psi: 400_000)
        Self.hold(&l, .storage, 4, psi: 500_000)
        #expect(l.skip(.vdf) == .maxProofs(held: 1, limit: 1))
        l.parentChanged()
        #expect(Set(l.entries.keys) == [Self.n(1), Self.n(2)], "VDF and storage are bound to the parent; AI is not")
        #expect(l.skip(.vdf) == nil)
        Self.hold(&l, .ai, 5, psi: 1_000_000)
        #expect(l.skip(.ai) == .maxProofs(held: 3, limit: 3))
        // This miner's block used proofs 1 and 5 (the job's hints), and a name that is not held.
        l.used([Self.n(1), Self.n(5), Self.n(9)])
        #expect(Set(l.entries.keys) == [Self.n(2)])
        #expect(l.skip(.ai) == nil)
    }

    @Test func aBlockWithoutHintsForgetsWhatWasAnsweredButNotWhatIsInFlight() throws {
        var l = SubmissionLedger(caps: try Self.caps("[types.AI]\nmaxProofs = 2\n"))
        Self.hold(&l, .ai, 1, psi: 1_000_000)
        #expect(l.reserve(type: .ai, nullifier: Self.n(2)) == nil)
        l.usedUnknown()
        #expect(Array(l.entries.keys) == [Self.n(2)])
    }

    @Test func withoutAnOverlayTheNetworkLimitsApply() {
        var l = SubmissionLedger(caps: Policy.devnet.caps)
        for i in 1...16 { Self.hold(&l, .ai, UInt8(i), psi: 10_000) }
        #expect(l.skip(.ai) == .maxProofs(held: 16, limit: 16))
    }
}
