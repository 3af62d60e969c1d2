import Devnet
import Foundation
import MiningCore
import Testing
import Verifiers

/// The store and the node end to end: blocks survive a reopen, the local miner seals blocks
/// with credited VDF and AI proofs, and a restarted node resumes from the stored head.
@Suite struct NodeTests {
    @Test func storeRoundTripAndReopen() throws {
        let dir = Fixtures.tempDir()
        let config = Fixtures.config()
        let v = BlockValidator(config: config)
        let ctx = Fixtures.genesisContext(config)
        let block = Fixtures.mine(config, ctx, proofs: [Fixtures.vdf(parent: ctx.parent)])
        let validated = try v.validate(block, ctx, nowMs: Fixtures.now).get()
        do {
            let store = try BlockStore(dataDir: dir, config: config)
            try store.append(validated, makeHead: true)
        }
        let store = try BlockStore(dataDir: dir, config: config)
        #expect(try store.headHash() == block.hash)
        #expect(try store.block(hash: block.hash) == block)
        let records = try store.allRecords()
        #expect(records.map(\.height) == [0, 1])
        #expect(records[1] == validated.record)
        let nulls = try store.nullifiers(fromHeight: 1)
        #expect(nulls.map(\.nullifier) == [block.proofs[0].nullifier])
        // The same directory refuses another chain.
        let other = ChainConfig(spec: Fixtures.chain(["chainId": "42"]))
        #expect(throws: BlockStoreError.self) { try BlockStore(dataDir: dir, config: other) }
    }

    @Test func minesBlocksWithCreditedVDFAndAIProofsAndResumesAfterRestart() async throws {
        let dir = Fixtures.tempDir()
        let providers: [any ProofProvider] = [VDFProofProvider(T: 256), AIProofProvider()]
        var heads: [BlockRecord] = []
        do {
            // A proof wait: every block here must carry both proofs (by default the first job
            // of a head goes out at once, before the proofs, and Θ₀ = 2 nats seals it at once).
            let node = try DevnetNode(dataDir: dir, options: NodeOptions(proofWait: .seconds(2)), providers: providers)
            let events = await node.chainEvents()
            await node.start()
            let miner = LocalMiner(node: node, threads: 1)
            for await e in events where e.isHead {
                heads.append(e.record)
                let types = Set(e.proofs.map(\.type))
                #expect(types == [.vdf, .ai], "block \(e.record.height) carries \(types)")
                #expect(e.proofs.allSatisfy { $0.creditedMicro > 0 })
                #expect(e.record.psiMicro == e.proofs.reduce(0) { $0 + $1.creditedMicro })
                #expect(e.sealedHere)
                if heads.count == 3 { break }
            }
            miner.stop()
            await node.stop()
            #expect(await node.head.height == heads.last?.height)
        }
        #expect(heads.map(\.height) == [1, 2, 3])
        let reopened = try DevnetNode(dataDir: dir, providers: [])
        let head = await reopened.head
        #expect(head == heads.last)
        for r in heads { #expect(await reopened.record(atHeight: r.height) == r) }
        #expect(await reopened.expectedTheta == heads.last?.nextTheta)
    }

    @Test func refreshesTemplatesAndIssuesCleanJobsOnNewHeads() async throws {
        let node = try DevnetNode(config: Fixtures.config(theta0: 1_000_000), dataDir: Fixtures.tempDir(),
                                  options: NodeOptions(templateRefresh: .milliseconds(50), staleGrace: .seconds(5)))
        let jobs = await node.jobUpdates()
        await node.start()
        var it = jobs.makeAsyncIterator()
        let first = try #require(await it.next())
        #expect(first.cleanJobs)
        let refreshed = try #require(await it.next())
        #expect(!refreshed.cleanJobs && refreshed.jobId != first.jobId)
        #expect(refreshed.template.parentHash == first.template.parentHash)
        // Seal a block through a share: the next job is clean and builds on it.
        let nonce = Fixtures.nonce(for: refreshed.template) { $0 >= refreshed.blockTarget }
        // Found before the seal, so the grace (5 s here: a loaded machine can stall 1 s) is not spent searching.
        let late = Fixtures.nonce(for: refreshed.template, from: 1_000_000) { $0 >= refreshed.blockTarget }
        let r = await node.submitShare(ShareSubmission(jobId: refreshed.jobId, nonce: nonce, tShareMicro: 0, worker: "t"))
        #expect((try? r.get())?.isBlock == true)
        var next = try #require(await it.next())
        while !next.cleanJobs { next = try #require(await it.next()) }
        #expect(next.template.height == 2)
        // For the stale grace a share for the old head's job is a share, never a block —
        // even one that meets the old block target — and is counted as stale_grace.
        let grace = await node.submitShare(ShareSubmission(jobId: refreshed.jobId, nonce: late, tShareMicro: 0, worker: "t"))
        #expect((try? grace.get())?.isBlock == false)
        #expect(await node.head.height == 1)
        #expect(node.metrics.render().contains("animica_miner_shares_stale_grace_total 1"))
        // After the grace the old job is stale.
        try await Task.sleep(for: .milliseconds(5100))
        let stale = await node.submitShare(ShareSubmission(jobId: refreshed.jobId, nonce: Nonce(counter: 999_999), tShareMicro: 0, worker: "t"))
        #expect(stale == .failure(.staleJob))
        await node.stop()
    }
}
