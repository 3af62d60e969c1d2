import Foundation
import Synchronization

/// A hit tagged with the generation (template) it was found for. Hits of an old generation can
/// still arrive just after ``NonceScanner/submit(_:)`` — at most one batch per thread — and the
/// consumer drops them by comparing generations.
public struct ScanEvent: Sendable, Hashable {
    public let generation: UInt64
    public let hit: ScanHit
}

/// The CPU miner: N threads hashing u-draws of the current ``ScanWork``.
///
/// Thread `i` owns extranonce2 = `extranonce2Base + i` and counts its counter up from 0, so
/// threads never hash the same nonce. Each thread runs ``NonceScan/scanRange`` on batches of
/// `batchSize` counters and between batches checks an atomic stop flag and an atomic
/// generation: a new template (``submit(_:)``) or ``stop()`` takes effect after at most one batch
/// per thread. Hits go to the `onHit` callback (on the scanning thread) or, without one, to ``events``.
///
/// The scanner keeps no clock: ``hashCount`` is a running total the caller turns into a rate.
/// Call ``stop()`` when done; the threads hold the scanner alive until then.
public final class NonceScanner: @unchecked Sendable {
    // @unchecked: `current`, `finishedThreads` and `runningThreads` are guarded by `condition`;
    // everything else is immutable or atomic.

    public struct Configuration: Sendable {
        /// Worker threads (default: every active core).
        public var threads: Int
        /// Thread `i` scans extranonce2 = `extranonce2Base + i`.
        public var extranonce2Base: UInt32
        /// Counters hashed between two checks of the stop flag and generation.
        public var batchSize: Int
        /// Counters each thread hashes per generation before idling (nil: until the next
        /// template). Bounded runs make a scan reproducible.
        public var countersPerThread: UInt64?
        public var kernel: NonceScan.Kernel
        /// A ceiling on the total hash rate (nonces/s over all threads; nil: as fast as the CPU
        /// goes). A devnet whose Θ tops out at a few nats is mined far faster than its target
        /// interval by a modern CPU; this lets an operator mine at the intended pace. Each thread
        /// gets an equal share and sleeps after a batch that ran ahead of it.
        public var maxHashesPerSecond: Double?

        public init(
            threads: Int = ProcessInfo.processInfo.activeProcessorCount, extranonce2Base: UInt32 = 0,
            batchSize: Int = 4096, countersPerThread: UInt64? = nil, kernel: NonceScan.Kernel = .default,
            maxHashesPerSecond: Double? = nil
        ) {
            precondition(threads >= 1, "NonceScanner needs at least one thread")
            precondition(batchSize >= 1, "NonceScanner batchSize must be at least 1")
            precondition(maxHashesPerSecond.map { $0.isFinite && $0 > 0 } ?? true, "NonceScanner maxHashesPerSecond must be positive")
            self.maxHashesPerSecond = maxHashesPerSecond
            self.threads = threads
            self.extranonce2Base = extranonce2Base
            self.batchSize = batchSize
            self.countersPerThread = countersPerThread
            self.kernel = kernel
        }
    }

    public let configuration: Configuration
    /// Every hit, in the order threads find them, when the scanner has no `onHit` callback.
    /// Finishes after ``stop()``.
    public let events: AsyncStream<ScanEvent>

    private let continuation: AsyncStream<ScanEvent>.Continuation
    private let onHit: (@Sendable (ScanEvent) -> Void)?
    private let generation = Atomic<UInt64>(0)
    private let stopRequested = Atomic<Bool>(false)
    private let hashes = Atomic<UInt64>(0)

    private let condition = NSCondition()
    private var current: ScanWork?
    private var finishedThreads = 0
    private var runningThreads = 0

    /// Starts the threads; they idle until the first ``submit(_:)``.
    public init(configuration: Configuration = Configuration(), onHit: (@Sendable (ScanEvent) -> Void)? = nil) {
        self.configuration = configuration
        self.onHit = onHit
        (events, continuation) = AsyncStream.makeStream(of: ScanEvent.self, bufferingPolicy: .unbounded)
        runningThreads = configuration.threads
        for i in 0 ..< configuration.threads {
            let t = Thread { [self] in self.threadMain(index: i) }
            t.name = "nonce-scanner-\(i)"
            t.start()
        }
    }

    /// Nonces hashed so far, all threads and generations.
    public var hashCount: UInt64 { hashes.load(ordering: .relaxed) }

    /// The generation of the work most recently submitted (0 before the first).
    public var currentGeneration: UInt64 { generation.load(ordering: .acquiring) }

    /// Switches every thread to `work` (a new template) and returns its generation. Threads finish
    /// their current batch of the old work first.
    @discardableResult
    public func submit(_ work: ScanWork) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        current = work
        finishedThreads = 0
        let g = generation.add(1, ordering: .acquiringAndReleasing).newValue
        condition.broadcast()
        return g
    }

    /// Blocks until every thread has finished the current generation's bounded range (see
    /// `countersPerThread`), or the scanner stopped. Returns at once if nothing was submitted.
    public func waitUntilIdle() {
        condition.lock()
        defer { condition.unlock() }
        while current != nil && finishedThreads < configuration.threads && runningThreads > 0 {
            condition.wait()
        }
    }

    /// Stops every thread, waits for them to exit and finishes ``events``. Returns how many
    /// nonces were hashed after the stop was requested: at most `threads × batchSize`.
    @discardableResult
    public func stop() -> UInt64 {
        stopRequested.store(true, ordering: .sequentiallyConsistent)
        let atRequest = hashCount
        condition.lock()
        condition.broadcast()
        while runningThreads > 0 { condition.wait() }
        condition.unlock()
        continuation.finish()
        return hashCount - atRequest
    }

    private func threadMain(index: Int) {
        let extranonce2 = configuration.extranonce2Base &+ UInt32(truncatingIfNeeded: index)
        var seen: UInt64 = 0
        while true {
            condition.lock()
            while !stopRequested.load(ordering: .relaxed) && generation.load(ordering: .relaxed) == seen {
                condition.wait()
            }
            if stopRequested.load(ordering: .relaxed) {
                runningThreads -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            seen = generation.load(ordering: .relaxed)
            let work = current!
            condition.unlock()

            let completed = scan(work, generation: seen, extranonce2: extranonce2)

            condition.lock()
            if completed && generation.load(ordering: .relaxed) == seen {
                finishedThreads += 1
                condition.broadcast()
            }
            condition.unlock()
        }
    }

    /// Scans `work` until the bounded range is done (returns true), or the stop flag or a new
    /// generation interrupts it (false).
    private func scan(_ work: ScanWork, generation gen: UInt64, extranonce2: UInt32) -> Bool {
        guard work.targets.either != nil else { return true }  // no x qualifies: nothing to find
        let limit = configuration.countersPerThread ?? .max
        let batch = UInt64(configuration.batchSize)
        let perThreadRate = configuration.maxHashesPerSecond.map { $0 / Double(configuration.threads) }
        let clock = ContinuousClock()
        let start = clock.now
        var c: UInt64 = 0
        while c < limit {
            if stopRequested.load(ordering: .relaxed) || generation.load(ordering: .relaxed) != gen {
                return false
            }
            if let r = perThreadRate {
                // Ahead of the allowed pace: sleep until it catches up, in short naps so a stop or
                // a new template is still seen within 20 ms.
                let ahead = start.advanced(by: .seconds(Double(c) / r)) - clock.now
                if ahead > .zero {
                    Thread.sleep(forTimeInterval: min(0.02, ahead.inSeconds))
                    continue
                }
            }
            let n = min(batch, limit - c)
            let hits = NonceScan.scanRange(
                work.midstate, extranonce2: extranonce2 &+ work.extranonce2Offset, counters: c ..< c + n,
                targets: work.targets, kernel: configuration.kernel)
            hashes.add(n, ordering: .relaxed)
            for h in hits {
                let e = ScanEvent(generation: gen, hit: h)
                // One consumer: the callback, else the stream. Yielding to a stream nobody reads
                // (every caller with a callback) buffered every hit forever — the node's memory
                // grew with its chain.
                if let onHit { onHit(e) } else { continuation.yield(e) }
            }
            c += n
        }
        return true
    }
}
