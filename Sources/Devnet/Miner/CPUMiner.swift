import Foundation
import MiningCore
import Synchronization

/// The built-in CPU miner: MiningCore's ``NonceScanner`` (midstate Keccak, one permutation per
/// nonce, integer target compare) on `threads` threads, reporting a nonce whose draw meets the
/// job's block target (`H ≥ Θ − Σψ`).
///
/// Thread `i` scans extranonce2 = `i` (extranonce1 = 0: solo). Block hits are reported, and at
/// most one share (`H ≥ tShare(Θ, K)`) a job, which the node keeps as a `hashshare:v1` proof for
/// its next job (shares accumulate). Not every share: at low Θ the share target is 0 and every
/// nonce would be one, and a job lasts until the node issues the next, so one a job bounds the
/// reports by the node's job rate. The share rate is derived instead — the expected shares among
/// `n` hashes is `n · e^{−tShare}` exactly, since `P(H ≥ t) = e^{−t}` for the u-draw.
public final class CPUMiner: Sendable {
    final class State: Sendable {
        let job = Mutex<(generation: UInt64, job: MiningJob, shareProbability: Double)?>(nil)
        let solved = Atomic<UInt64>(0)
        /// The generation whose one share was reported.
        let shared = Atomic<UInt64>(0)
        /// The parent the last reported block was found on, and when: one block per parent for
        /// a second. A share kept as a proof gives the node's job a new generation at the same
        /// height, and a second block there would only be a sibling of the first; after a
        /// second (the node refused the block, say) the parent is open again, so a refusal
        /// cannot stall the miner.
        let solvedParent = Mutex<(parent: [UInt8], at: ContinuousClock.Instant)?>(nil)
        let idle = Atomic<Bool>(true)
        let expectedShares = Mutex<(hashesAtSwitch: UInt64, shares: Double, probability: Double)>((0, 0, 0))
    }

    public let threads: Int
    let scanner: NonceScanner
    let state = State()

    /// Starts `threads` scanning threads (idle until ``setJob(_:sharesPerBlock:)``). `onBlock` runs
    /// on a scanning thread for a block nonce or a job's one share nonce; keep it short (hand the
    /// nonce to the node asynchronously, which judges which it is).
    /// `maxHashesPerSecond` caps the total hash rate (nil: unthrottled); see
    /// ``NonceScanner/Configuration/maxHashesPerSecond``.
    public init(threads: Int, maxHashesPerSecond: Double? = nil, onBlock: @escaping @Sendable (MiningJob, Nonce) -> Void) {
        self.threads = max(1, threads)
        let state = self.state
        scanner = NonceScanner(configuration: .init(threads: self.threads, batchSize: 1024,
                                                    maxHashesPerSecond: maxHashesPerSecond)) { event in
            guard let cur = state.job.withLock({ $0 }), cur.generation == event.generation,
                  let nonce = Nonce(bytes: event.hit.nonce) else { return }
            if event.hit.isBlock {
                let parent = cur.job.template.parentHash
                let now = ContinuousClock.now
                let first = state.solvedParent.withLock { p in
                    if let p, p.parent == parent, now - p.at < .seconds(1) { return false }
                    p = (parent, now)
                    return true
                }
                guard first else { return }
            }
            let previous = event.hit.isBlock ? state.solved.exchange(cur.generation, ordering: .relaxed)
                                             : state.shared.exchange(cur.generation, ordering: .relaxed)
            guard previous != cur.generation else { return }
            onBlock(cur.job, nonce)
        }
    }

    /// Nonces hashed so far (all threads).
    public var hashCount: UInt64 { scanner.hashCount }

    /// Expected shares (`H ≥ tShare(Θ, K)`) among the nonces hashed so far.
    public var shareCount: UInt64 {
        let h = scanner.hashCount
        return state.expectedShares.withLock { s in UInt64(s.shares + Double(h &- s.hashesAtSwitch) * s.probability) }
    }

    /// Mines `job`, or pauses for nil (the threads then scan against no target).
    public func setJob(_ job: MiningJob?, sharesPerBlock: Int64 = 16) {
        let h = scanner.hashCount
        guard let job else {
            state.expectedShares.withLock { s in
                s.shares += Double(h &- s.hashesAtSwitch) * s.probability
                s = (h, s.shares, 0)
            }
            _ = try? scanner.submit(ScanWork(signBytes: HeaderTemplate.idleSignBytes, mixSeed: MixSeed.genesis, extranonce1: 0,
                                             shareTarget: nil, blockTarget: nil))
            state.job.withLock { $0 = nil }
            return
        }
        let tShare = ShareTarget.tShare(thetaMicro: job.template.params.thetaMicro, k: sharesPerBlock)
        let p = exp(-Double(tShare) / 1e6)
        state.expectedShares.withLock { s in
            s.shares += Double(h &- s.hashesAtSwitch) * s.probability
            s = (h, s.shares, p)
        }
        // The template's fields are validated when it is built; ScanWork cannot fail on them.
        // Shares only where they are not blocks anyway and not every nonce (tShare > 0).
        let shareX = tShare > 0 && tShare < job.blockTarget ? Threshold.X(t: tShare) : nil
        guard let work = try? ScanWork(signBytes: job.template.signBytes, mixSeed: job.template.nonceDomain.mixSeed,
                                       extranonce1: 0, shareTarget: shareX, blockTarget: Threshold.X(t: job.blockTarget)) else { return }
        // Publish the job before the scanner can report hits for its generation.
        state.job.withLock { cur in
            let generation = scanner.submit(work)
            cur = (generation, job, p)
        }
    }

    /// Stops the threads.
    public func stop() {
        _ = scanner.stop()
    }
}

extension HeaderTemplate {
    /// Sign-bytes of nothing: what the scanner hashes while the miner is paused.
    static let idleSignBytes = [UInt8](repeating: 0, count: HeaderTemplate.signBytesCount)
}
