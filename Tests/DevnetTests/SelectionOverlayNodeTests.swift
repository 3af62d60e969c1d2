@testable import Devnet
import Foundation
import MiningCore
import Testing

/// A node with a local selection overlay (`NodeOptions.selectionCaps`): its jobs attach only what
/// the overlay's caps select, and each job's `Θ − Σψ` is the *network* credit of that selection.
@Suite struct SelectionOverlayNodeTests {
    static let session: UInt32 = 0x33

    /// A started node without providers and a Θ far above what four AI proofs give.
    static func node(selectionCaps: CapsPolicy?) async throws -> DevnetNode {
        let n = try DevnetNode(config: Fixtures.config(theta0: 30_000_000), dataDir: Fixtures.tempDir("overlay"),
                               options: NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600),
                                                    staleGrace: .seconds(600), selectionCaps: selectionCaps))
        await n.start()
        return n
    }

    /// The session's job after it holds four AI proofs of ~1 nat each (2^20 MACs: 1.000488 nats).
    static func jobWithFourAIProofs(selectionCaps: CapsPolicy?) async throws
        -> (job: MiningJob, theta: Int64, held: [String: HeldProof], network: CapsPolicy) {
        let node = try await node(selectionCaps: selectionCaps)
        defer { Task { await node.stop() } }
        var held: [String: HeldProof] = [:]
        for i in 1...4 {
            let ai = try await OwnProofsTests.ai(node, key: "ai-overlay-\(i)")
            let h = try await node.submitProof(ai.json, session: session).get()
            #expect(h.psiRawMicro > 1_000_000 && h.psiRawMicro < 1_100_000, "each proof a little over 1 nat")
            held[Hex.encode(ai.nullifier)] = h
        }
        let job = try #require(await node.currentJob(session: session))
        #expect(job.owner == session)
        return (job, await node.expectedTheta, held, node.config.policy.caps)
    }

    /// Θ − the network credit (§5, network caps) of the hinted proofs.
    static func networkTarget(theta: Int64, hints: [String], held: [String: HeldProof], caps: CapsPolicy) throws -> Int64 {
        let proofs = try hints.map { h in
            let p = try #require(held[h], "a hint that is not one of the session's proofs")
            return CreditProof(type: p.type, psiAdjMicro: p.psiRawMicro, nullifier: p.nullifier)
        }
        return theta - Credit.compute(proofs, caps: caps).total
    }

    @Test(.timeLimit(.minutes(2))) func anAICapOfTwoNatsAttachesTwoOfFourProofsCreditedByTheNetwork() async throws {
        let caps = try SelectionOverlay(toml: "[types.AI]\nperTypeCap = 2000000\n").apply(to: Fixtures.config().policy)
        let r = try await Self.jobWithFourAIProofs(selectionCaps: caps)
        #expect(r.job.proofHints.count == 2, "two proofs of just over 1 nat fill the overlay's 2-nat AI cap")
        #expect(Set(r.job.proofHints).isSubset(of: r.held.keys))
        let target = try Self.networkTarget(theta: r.theta, hints: r.job.proofHints, held: r.held, caps: r.network)
        #expect(r.job.blockTarget == target)
        // The network credits both proofs whole (2.000976 nats, under its 4-nat AI cap), not the
        // overlay's 2 nats: the chain pays what it pays, the overlay only chose fewer proofs.
        #expect(r.job.blockTarget < r.theta - 2_000_000)
    }

    @Test(.timeLimit(.minutes(2))) func withoutAnOverlayTheJobCarriesAllFour() async throws {
        let r = try await Self.jobWithFourAIProofs(selectionCaps: nil)
        #expect(Set(r.job.proofHints) == Set(r.held.keys))
        #expect(r.job.blockTarget == (try Self.networkTarget(theta: r.theta, hints: r.job.proofHints, held: r.held, caps: r.network)))
        // Four proofs of 1.000488 nats sum past the 4-nat AI cap: credited 4 nats.
        #expect(r.job.blockTarget == r.theta - 4_000_000)
    }
}
