import Foundation
import Logging
import MiningCore
import Synchronization

/// Runs the built-in ``CPUMiner`` against a ``DevnetNode``: follows the node's work, hands each
/// block nonce to the node as a share (which seals the block), and samples the hash and share
/// rates into the node's metrics once a second.
public final class LocalMiner: Sendable {
    public let miner: CPUMiner
    let node: DevnetNode
    let tasks = Mutex<[Task<Void, Never>]>([])

    /// `maxHashesPerSecond` caps the miner's total hash rate (nil: unthrottled).
    public init(node: DevnetNode, threads: Int, maxHashesPerSecond: Double? = nil,
                logger: Logger = Logger(label: "devnet.miner")) {
        self.node = node
        let k = node.config.sharesPerBlock
        miner = CPUMiner(threads: threads, maxHashesPerSecond: maxHashesPerSecond) { job, nonce in
            Task {
                let r = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: 0, worker: "local", source: .local))
                if case .failure(let e) = r {
                    logger.debug("local block nonce refused", metadata: ["reason": "\(e.label)"])
                }
            }
        }
        let miner = self.miner
        tasks.withLock { $0.append(Task {
            for await w in await node.minerWork() {
                switch w {
                case .job(let j): miner.setJob(j, sharesPerBlock: k)
                case .idle: miner.setJob(nil)
                }
            }
        }) }
        let metrics = node.metrics
        tasks.withLock { $0.append(Task {
            var lastH = miner.hashCount, lastS = miner.shareCount, last = ContinuousClock.now
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                let now = ContinuousClock.now, h = miner.hashCount, s = miner.shareCount
                let dt = Double((now - last) / .milliseconds(1)) / 1000
                if dt > 0 {
                    metrics.hashesPerSec.set(Double(h - lastH) / dt)
                    metrics.hashrateSharesPerSec.set(Double(s - lastS) / dt)
                }
                lastH = h; lastS = s; last = now
            }
        }) }
    }

    public func stop() {
        miner.stop()
        for t in tasks.withLock({ t in defer { t = [] }; return t }) { t.cancel() }
    }
}

