import Foundation
import MiningCore
import Testing
import TestSupport
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
}
