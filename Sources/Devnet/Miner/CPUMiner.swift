import Foundation
import MiningCore
import Synchronization

/// The built-in CPU miner: `threads` threads scan nonces of the current job and report a nonce
/// whose draw meets the job's block target (`H ≥ Θ − Σψ`).
///
/// Thread `i` scans extranonce2 = `i` (extranonce1 = 0: solo), counter from 0 per job, so threads
/// never repeat a nonce. Each job's sign-bytes are absorbed once into a Keccak-512 midstate (the
/// first 4 rate blocks, 288 bytes); per nonce only the last block is hashed. Targets are compared
/// as integers (`x ≤ X(t)`, spec §3), never through `H`.
///
/// TODO(hash-scanner): switch to MiningCore's `NonceScanner` (unrolled Keccak-f, batched
/// kernels) once that branch is on main; this loop is the simple reference scanner.
public final class CPUMiner: Sendable {
    struct Work: Sendable {
        var generation: UInt64
        var job: MiningJob
        var midstate: Keccak512
        /// The 63 bytes after the midstate: signBytes[288..<303] ‖ nonce ‖ mixSeed (nonce at 15).
        var tail: [UInt8]
        var blockX: [UInt8]?
        var shareX: [UInt8]?
    }

    public let threads: Int
    let batch = 512
    let work = Mutex<Work?>(nil)
    let stopped = Atomic<Bool>(false)
    /// Generation that already produced a block (threads idle until the next job).
    let solved = Atomic<UInt64>(0)
    let hashes = Atomic<UInt64>(0)
    let generations = Atomic<UInt64>(0)
    let shareHits = Atomic<UInt64>(0)
    let onBlock: @Sendable (MiningJob, Nonce) -> Void

    /// Starts `threads` scanning threads (idle until ``setJob(_:)``). `onBlock` runs on a scanning
    /// thread; keep it short (hand the nonce to the node asynchronously).
    public init(threads: Int, onBlock: @escaping @Sendable (MiningJob, Nonce) -> Void) {
        self.threads = max(1, threads)
        self.onBlock = onBlock
        for i in 0..<self.threads {
            let t = Thread { [self] in self.run(thread: UInt32(i)) }
            t.name = "cpu-miner-\(i)"
            t.start()
        }
    }

    /// Nonces hashed so far (all threads).
    public var hashCount: UInt64 { hashes.load(ordering: .relaxed) }
    /// Draws that met the share target `tShare(Θ, K)` so far.
    public var shareCount: UInt64 { shareHits.load(ordering: .relaxed) }

    /// Mines `job` (or pauses for nil) from the next batch on.
    public func setJob(_ job: MiningJob?, sharesPerBlock: Int64 = 16) {
        guard let job else {
            work.withLock { $0 = nil }
            return
        }
        let sign = job.template.signBytes
        var mid = Keccak512()
        mid.update(sign[0..<288])
        let tail = Array(sign[288..<303]) + [UInt8](repeating: 0, count: 16) + job.template.nonceDomain.mixSeed
        let tShare = ShareTarget.tShare(thetaMicro: job.template.params.thetaMicro, k: sharesPerBlock)
        let w = Work(generation: generations.add(1, ordering: .relaxed).newValue, job: job, midstate: mid, tail: tail,
                     blockX: Threshold.X(t: job.blockTarget), shareX: Threshold.X(t: tShare))
        work.withLock { $0 = w }
    }

    /// Stops the threads after their current batch.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        work.withLock { $0 = nil }
    }

    func run(thread: UInt32) {
        var generation: UInt64 = 0
        var counter: UInt64 = 0
        var current: Work?
        while !stopped.load(ordering: .relaxed) {
            let w = work.withLock { $0 }
            guard let w, solved.load(ordering: .relaxed) != w.generation else {
                current = nil
                Thread.sleep(forTimeInterval: 0.001)
                continue
            }
            if w.generation != generation {
                generation = w.generation
                counter = 0
                current = w
            }
            guard var tail = current?.tail else { continue }
            var shares: UInt64 = 0
            for _ in 0..<batch {
                let nonce = Nonce(extranonce1: 0, extranonce2: thread, counter: counter)
                counter &+= 1
                withUnsafeBytes(of: thread.bigEndian) { tail.replaceSubrange(19..<23, with: $0) }
                withUnsafeBytes(of: nonce.counter.bigEndian) { tail.replaceSubrange(23..<31, with: $0) }
                var k = w.midstate
                k.update(tail)
                let digest = k.finalize()
                let x = digest[0..<32]
                if w.shareX != nil, Threshold.meets(x, w.shareX) { shares += 1 }
                if Threshold.meets(x, w.blockX) {
                    // One block per job: the first thread to find one parks the others.
                    if solved.exchange(w.generation, ordering: .relaxed) != w.generation {
                        onBlock(w.job, nonce)
                    }
                    break
                }
            }
            hashes.add(UInt64(batch), ordering: .relaxed)
            shareHits.add(shares, ordering: .relaxed)
        }
    }
}
