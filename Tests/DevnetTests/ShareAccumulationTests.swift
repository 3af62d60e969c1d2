@testable import Devnet
import Foundation
import MiningCore
import Testing
import Verifiers

/// Shares accumulate (spec seed flow 3.1, step 6; issue 12 item 4): a session's share at least
/// `tShare(Θ, K)` deep becomes a `hashshare:v1` proof in its holdings, so its later jobs at the
/// same height need less `H`; the block carries the templates its shares were mined on and
/// re-validates from the store alone after a restart.
@Suite struct ShareAccumulationTests {
    static let a: UInt32 = 0x5a

    /// Θ = 8 nats: tShare(Θ, 16) ≈ 5.23 nats, so a deep share takes ~190 draws and one that is
    /// not also a block is easy to find by counting up.
    static let theta: Int64 = 8_000_000

    static func share(_ job: MiningJob, _ nonce: Nonce) -> ShareSubmission {
        ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: 0, worker: "a", source: .stratum)
    }

    /// The session's next own job after `previous` (nil: its first), within 60 s. The job comes
    /// from a task the share starts; CPU-bound suites running alongside can hold both threads
    /// of the cooperative pool for seconds (a fresh-clone CI run missed a 10 s deadline).
    static func nextOwnJob(_ node: DevnetNode, after previous: MiningJob?) async -> MiningJob? {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let j = await node.currentJob(session: a), j.owner == a, j.jobId != previous?.jobId { return j }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test(.timeLimit(.minutes(4))) func consecutiveJobsNeedLessHAsSharesAccumulateAndTheBlockRevalidatesAfterARestart() async throws {
        let dir = Fixtures.tempDir("shares")
        let config = Fixtures.config(theta0: Self.theta)
        let options = NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600), staleGrace: .seconds(600))
        var node: DevnetNode? = try DevnetNode(config: config, dataDir: dir, options: options)
        await node!.start()
        let tShare = ShareTarget.tShare(thetaMicro: Self.theta, k: config.sharesPerBlock)
        let common = try #require(await node!.currentJob(session: Self.a))
        #expect(common.owner == nil && common.blockTarget == Self.theta)

        // Two deep shares that are not blocks, each on the job the session holds then.
        var job = common
        var expected: [CreditProof] = []
        var counter: UInt64 = 0
        var minedOn: [String] = []
        for k in 1...2 {
            minedOn.append(job.jobId)
            let target = job.blockTarget
            let nonce = Fixtures.nonce(for: job.template, extranonce1: Self.a, from: counter) { $0 >= tShare && $0 < target }
            counter = nonce.counter + 1
            let h = UDraw.draw(template: job.template, nonce: nonce).H
            let r = await node!.submitShare(Self.share(job, nonce))
            #expect((try? r.get().isBlock) == false, "share \(k): \(r)")
            let d = ShareTarget.dRatioPpm(H: h, thetaMicro: Self.theta)
            let psi = Psi.adjustedMicro(.hashShare(dRatioPpm: d), policy: config.policy)
            #expect(psi > 100_000, "ψ of a share at d = \(d) ppm: \(psi)")
            expected.append(CreditProof(type: .hashShare, psiAdjMicro: psi, nullifier: HashShareProof.envelope(
                template: job.template, nonce: nonce, chainId: config.chainId).nullifier))
            guard let next = await Self.nextOwnJob(node!, after: job.owner == nil ? nil : job) else {
                // Say how far the share got (accepted, accumulated, held) and what the session sees.
                let m = node!.metrics.render().split(separator: "\n").filter {
                    $0.contains("shares_accumulated") || $0.contains("proofs_held{type=\"hashshare\"}") || $0.contains("shares_accepted_total")
                }
                let now = await node!.currentJob(session: Self.a)
                Issue.record("no own job after share \(k) (H \(h), tShare \(tShare), target \(target)); \(m); session job \(now?.jobId ?? "none") owner \(String(describing: now?.owner))")
                return
            }
            // Θ − Σψ falls by exactly the §5 credit of the shares so far.
            let credit = Credit.compute(expected, caps: config.policy.caps).credited.reduce(0, +)
            #expect(next.blockTarget == Self.theta - credit, "job after share \(k): \(next.blockTarget), Θ − Σψ = \(Self.theta - credit)")
            #expect(next.blockTarget < job.blockTarget)
            #expect(Set(next.proofHints) == Set(expected.map { Hex.encode($0.nullifier) }))
            job = next
        }

        // A block on the last job carries both shares and the two templates they were mined on.
        let events = await node!.chainEvents()
        var it = events.makeAsyncIterator()
        let target = job.blockTarget
        let sealing = Fixtures.nonce(for: job.template, extranonce1: Self.a, from: counter) { $0 >= target && $0 < Self.theta }
        let sealed = await node!.submitShare(Self.share(job, sealing))
        #expect((try? sealed.get().isBlock) == true, "the sealing share: \(sealed)")
        let e = try #require(await it.next())
        #expect(e.proofs.map(\.type) == [.hashShare, .hashShare])
        #expect(e.record.psiMicro == Self.theta - target && e.record.h < Self.theta, "H \(e.record.h) + Σψ \(e.record.psiMicro)")
        let metrics = node!.metrics.render()
        #expect(metrics.contains("animica_miner_shares_accumulated_total 2"), "\(metrics)")
        await node!.stop()
        node = nil

        // Restarted on the same store: the block and its share templates come back, and it
        // validates against its parent with nothing of the first run's jobs.
        let again = try DevnetNode(config: config, dataDir: dir, options: options)
        let stored = try #require(try again.block(hash: e.record.hash))
        #expect(stored.shareTemplates.map(\.extra.templateId).sorted() == minedOn.sorted(),
                "templates \(stored.shareTemplates.map(\.extra.templateId)), shares mined on \(minedOn)")
        let ctx = Fixtures.genesisContext(config)
        let v = BlockValidator(config: config)
        let revalidated = v.validate(stored, ctx, nowMs: stored.header.time)
        #expect((try? revalidated.get().record) == e.record, "\(revalidated)")

        // Without its templates the block is invalid; with a template at another Θ too.
        var bare = stored
        bare.shareTemplates = []
        guard case .failure(.badProof(_, let rej)) = v.validate(bare, ctx, nowMs: stored.header.time) else {
            Issue.record("a block without its share templates validated"); return
        }
        #expect(rej.code == .unknownTemplate, "\(rej)")
        var forged = stored
        forged.shareTemplates[0].params.thetaMicro -= 1
        guard case .failure(.badField(let f, _)) = v.validate(forged, ctx, nowMs: stored.header.time) else {
            Issue.record("a share template at another Θ validated"); return
        }
        #expect(f == "shareTemplates[0].params.thetaMicro", "\(f)")
        await again.stop()
    }

    /// A full session keeps its `maxProofs` deepest shares: a deeper one replaces the shallowest,
    /// a shallower one is not held, and the replaced nullifier is free again.
    @Test func aFullSessionKeepsItsDeepestShares() throws {
        func held(_ psi: Int64, _ tag: UInt8) throws -> SessionProofBook.Held {
            let n = [UInt8](repeating: tag, count: 32)
            return .init(envelope: ProofEnvelope(type: .hashShare, body: [:], nullifier: n),
                         credit: CreditedProof(type: .hashShare, nullifier: try Nullifier(bytes: n), psiAdjMicro: psi, creditedMicro: psi))
        }
        var book = SessionProofBook()
        #expect(book.holdShare(try held(150_000, 1), session: Self.a, max: 2))
        #expect(book.holdShare(try held(120_000, 2), session: Self.a, max: 2))
        #expect(!book.holdShare(try held(100_000, 3), session: Self.a, max: 2), "a shallower share was held in a full session")
        #expect(book.holdShare(try held(170_000, 4), session: Self.a, max: 2))
        #expect(book.held(Self.a).map(\.credit.psiAdjMicro).sorted() == [150_000, 170_000])
        #expect(book.holder(of: [UInt8](repeating: 2, count: 32)) == nil && book.holder(of: [UInt8](repeating: 4, count: 32)) == Self.a)
        #expect(!book.holdShare(try held(170_000, 5), session: Self.a, max: 0))
    }
}
