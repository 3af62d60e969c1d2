import Foundation
import MiningCore
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing
import TestSupport
import Verifiers
@testable import Devnet

/// Bounded node state (issue 15): one node per data dir, the in-memory window, the main chain
/// answered from SQLite below it.
@Suite struct NodeStateTests {
    /// A synthetic linear chain (the index is pure: it does not validate).
    static func chain(_ config: ChainConfig, length: Int) -> [BlockRecord] {
        var out: [BlockRecord] = []
        var parent = BlockRecord.genesis(config)
        for i in 1...length {
            let hash = SHA3_256.hash(Array("block \(i)".utf8))
            let r = BlockRecord(hash: hash, height: UInt64(i), parentHash: parent.hash, time: parent.time + 1000,
                                mixSeed: parent.mixSeed, thetaMicro: parent.nextTheta, retarget: parent.retarget,
                                h: 1_000_000, psiMicro: 0, cumulativeScore: parent.cumulativeScore + 1_000_000, proofTypes: [])
            out.append(r)
            parent = r
        }
        return out
    }

    @Test func indexKeepsOnlyItsWindowHoweverLongTheChain() {
        let config = ChainConfig.devnet
        var index = ChainIndex(config: config)
        let window = index.window
        let blocks = Self.chain(config, length: Int(window) * 3)
        var peak = 0
        for b in blocks {
            let becameHead = index.add(b, nullifiers: [])
            #expect(becameHead)
            peak = max(peak, index.records.count)
        }
        #expect(index.head == blocks.last)
        // At most the window plus one pruning batch, never the chain.
        #expect(peak <= Int(window + 2 * ChainIndex.reorgSlack), "the index held \(peak) records for a window of \(window)")
        #expect(index.lowestHeight + window + ChainIndex.reorgSlack >= index.head.height)
        #expect(index.record(atHeight: index.lowestHeight - 1) == nil)
        #expect(index.record(atHeight: index.head.height) == blocks.last)
        #expect(index.record(atHeight: index.lowestHeight) == blocks[Int(index.lowestHeight) - 1])
        // Validation still sees a full median-time window.
        let ctx = index.parentContext(index.head.hash)
        #expect(ctx?.recentTimes.count == config.medianTimeSpan)
        // Rebuilt from a store's recent records, the index is the same window.
        let reloaded = ChainIndex(config: config, records: Array(blocks.suffix(Int(window) + 1)), nullifiers: [:])
        #expect(reloaded.head == blocks.last)
        #expect(reloaded.record(atHeight: index.head.height - window) == blocks[Int(index.head.height - window) - 1])
    }

    @Test func storeAnswersTheMainChainByHeight() throws {
        let dir = Fixtures.tempDir("mainchain")
        let config = Fixtures.config()
        let v = BlockValidator(config: config)
        var ctx = Fixtures.genesisContext(config)
        let store = try BlockStore(dataDir: dir, config: config)
        var mined: [Block] = []
        for _ in 0..<3 {
            let block = Fixtures.mine(config, ctx, proofs: [])
            let validated = try v.validate(block, ctx, nowMs: Fixtures.now).get()
            try store.append(validated, makeHead: true)
            mined.append(block)
            ctx = ParentContext(parent: validated.record, recentTimes: ctx.recentTimes + [validated.record.time],
                                isNullifierSeen: { _ in false })
        }
        for (i, b) in mined.enumerated() {
            #expect(try store.mainRecord(atHeight: UInt64(i + 1))?.hash == b.hash)
            #expect(try store.record(hash: b.hash)?.height == UInt64(i + 1))
        }
        #expect(try store.mainRecord(atHeight: 4) == nil)
        #expect(try store.recentRecords(window: 1).map(\.height) == [2, 3])
    }

    /// A restart reads the window, not the chain: on a store three windows long the node loads
    /// `window + 1` records and only their nullifiers, and answers older heights from SQLite.
    /// (Rows, not bytes or seconds: a count is what a regression to loading the chain changes.)
    @Test func restartLoadsOnlyTheWindow() async throws {
        var policy = Policy.devnet
        policy.nullifierTTL = 8  // window 75 (64 + max(11, 9)), so three windows mine in seconds
        let devnet = Fixtures.config(theta0: 1_000_000)
        let config = ChainConfig(spec: ChainSpec(document: devnet.document, policy: policy))
        let window = ChainIndex.window(config)
        let dir = Fixtures.tempDir("window")
        let v = BlockValidator(config: config)
        var ctx = Fixtures.genesisContext(config)
        var mined: [BlockRecord] = []
        do {
            let store = try BlockStore(dataDir: dir, config: config)
            defer { store.close() }
            for _ in 0..<(3 * Int(window)) {
                let block = Fixtures.mine(config, ctx, proofs: [Fixtures.vdf(parent: ctx.parent)])
                let validated = try v.validate(block, ctx, nowMs: Fixtures.now).get()
                try store.append(validated, makeHead: true)
                mined.append(validated.record)
                ctx = ParentContext(parent: validated.record, recentTimes: ctx.recentTimes + [validated.record.time],
                                    isNullifierSeen: { _ in false })
            }
        }
        let node = try DevnetNode(config: config, dataDir: dir)
        let top = UInt64(mined.count)
        #expect(node.loadedAtStart.records == Int(window) + 1,
                "the node read \(node.loadedAtStart.records) block records for a window of \(window) on a \(top)-block store")
        #expect(node.loadedAtStart.nullifiers == Int(window) + 1,
                "the node read \(node.loadedAtStart.nullifiers) nullifiers (one a block) for a window of \(window)")
        #expect(await node.head == mined.last)
        #expect(await node.index.lowestHeight == top - window)
        #expect(await node.record(atHeight: 1) == mined.first, "a height below the window is not answered from the store")
        #expect(await node.record(atHeight: top - window - 1) == mined[Int(top - window) - 2])
        await node.stop()
    }

    /// Two nodes on one data dir: the second exits 2 with one line naming the dir and the pid.
    @Test(.timeLimit(.minutes(2))) func secondNodeOnADataDirExitsTwo() async throws {
        let dir = Fixtures.tempDir("locked")
        let first = try SimctlProcess(["mine", "--threads", "1", "--data-dir", dir, "--rpc", "off", "--proofs", "none"])
        let started = await first.wait(timeout: 60) { lines in lines.first { $0.contains("\"start\"") } }
        #expect(started != nil, "the first node did not start: \(first.stderr.suffix(500))")
        let second = try Simctl.run(["mine", "--threads", "1", "--data-dir", dir, "--rpc", "off", "--proofs", "none", "--blocks", "1"],
                                    timeout: 60)
        #expect(second.status == 2)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(second.stderr)")
        #expect(second.stderr.contains(dir) && second.stderr.contains("pid \(first.pid)"), "\(second.stderr)")
        #expect(await first.stop() == 0)
        // Once the first has stopped, the directory opens again.
        let third = try Simctl.run(["mine", "--threads", "1", "--data-dir", dir, "--rpc", "off", "--proofs", "none", "--blocks", "1"],
                                   timeout: 120)
        #expect(third.status == 0, "\(third.stderr.suffix(500))")
    }

    /// A store that cannot be written (an injected full disk): the node counts the failure, stops
    /// issuing work, answers 503 on /healthz with the reason, and resumes on its own once writes
    /// succeed again — losing nothing it acknowledged.
    @Test(.timeLimit(.minutes(2))) func storageFailureStopsWorkUntilWritesSucceed() async throws {
        let node = try DevnetNode(config: Fixtures.config(theta0: 1_000_000), dataDir: Fixtures.tempDir("diskfull"),
                                  options: NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600)))
        await node.start()
        let job = try #require(await node.currentJob())
        node.store.writeFault.withLock { $0 = "disk full (injected)" }
        let nonce = Fixtures.nonce(for: job.template) { $0 >= job.blockTarget }
        let r = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: 0, worker: "t"))
        #expect((try? r.get())?.isBlock == false, "a block that could not be stored was reported sealed")
        #expect(await node.head.height == 0)
        #expect(node.storageProblem?.contains("disk full") == true)
        #expect(await node.currentJob() == nil, "work is still issued on a store that cannot be written")
        #expect(node.metrics.render().contains("animica_node_storage_errors_total 1"))
        #expect(node.metrics.render().contains("animica_node_storage_writable 0"))
        let app = Application(router: DevnetHTTPServer.makeRouter(rpc: DevnetRPC(node: node)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(String(buffer: r.body).contains("disk full"))
            }
        }
        // Space returns: within a few probe intervals the node issues work again.
        node.store.writeFault.withLock { $0 = nil }
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let resumed = await node.currentJob() != nil
            if node.storageProblem == nil && resumed { break }
            guard ContinuousClock.now < deadline else { Issue.record("the node did not resume within 10 s"); break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(node.metrics.render().contains("animica_node_storage_writable 1"))
        let again = try #require(await node.currentJob())
        let n2 = Fixtures.nonce(for: again.template) { $0 >= again.blockTarget }
        let sealed = await node.submitShare(ShareSubmission(jobId: again.jobId, nonce: n2, tShareMicro: 0, worker: "t"))
        #expect((try? sealed.get())?.isBlock == true)
        #expect(await node.head.height == 1)
        #expect(try node.store.headHash() == (await node.head.hash))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
        }
        await node.stop()
    }

    /// Always a job: `miner_getWork` answers a job to every call while the node mines at full
    /// speed with its default proofs — from a fresh chain, where heads change every few ms.
    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func getWorkAlwaysAnswersAJobWhileMining() async throws {
        try await HeavyTests.exclusive {
            let node = try DevnetNode(dataDir: Fixtures.tempDir("getwork"),
                                      providers: [VDFProofProvider(T: 4096), AIProofProvider()])
            await node.start()
            let miner = LocalMiner(node: node, threads: 1)
            let rpc = DevnetRPC(node: node)
            var jobs = 0, heights = Set<Int64>()
            var failures: [String] = []
            for i in 0..<300 {
                let reply = await rpc.handle(Data(RPCTests.request("miner_getWork", [], id: Int64(i + 1)).utf8))
                if case .int(let h)? = reply?["result"]?["height"] { jobs += 1; heights.insert(h) } else {
                    failures.append(reply?.canonical ?? "no reply")
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            miner.stop()
            await node.stop()
            #expect(jobs == 300, "\(300 - jobs) of 300 calls had no job, e.g. \(failures.prefix(2))")
            #expect(heights.count > 10, "the node mined too little for the test to mean anything: \(heights.count) heights")
            print("getWork while mining: \(jobs)/300 jobs over \(heights.count) heights")
        }
    }
}
