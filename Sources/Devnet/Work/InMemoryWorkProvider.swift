import MiningCore
import Synchronization

/// A real ``WorkProvider`` without a chain: jobs are pushed in by the owner, shares are fully
/// validated by a ``ShareValidator``, and shares that meet a job's `blockTarget` are reported
/// through `onBlock` (the owner decides what sealing means). Used by transport tests, the
/// Stratum bench and any server that runs without a node.
///
/// Shares are judged on the caller's thread under one lock (``judgeShare(_:)``); the actor only
/// keeps the current job and the subscribers.
public actor InMemoryWorkProvider: WorkProvider {
    public typealias BlockHandler = @Sendable (MiningJob, ShareSubmission, AcceptedShare) -> Void

    private nonisolated let validator: Mutex<ShareValidator>
    private var current: MiningJob?
    private var subscribers: [Int: AsyncStream<MiningJob>.Continuation] = [:]
    private var nextSubscriber = 0
    private nonisolated let onBlock: BlockHandler

    public init(configuration: ShareValidator.Configuration = .init(),
                onBlock: @escaping BlockHandler = { _, _, _ in }) {
        self.validator = Mutex(ShareValidator(configuration: configuration))
        self.onBlock = onBlock
    }

    /// Makes `job` the current job and sends it to every subscriber.
    public func push(_ job: MiningJob) {
        validator.withLock { $0.add(job, now: .now) }
        current = job
        for c in subscribers.values { c.yield(job) }
    }

    public func currentJob() -> MiningJob? { current }

    // No chain, so no miners' proofs: every session mines the pushed job.
    public nonisolated func submitProof(_ envelope: JSONValue, session e1: UInt32) async -> Result<HeldProof, ProofRefusal> {
        .failure(.rejected(reason: "unsupported", field: nil, detail: "this work provider takes no miners' proofs"))
    }
    public func currentJob(session e1: UInt32) -> MiningJob? { current }
    public func endSession(_ e1: UInt32) {}

    public func jobUpdates() -> AsyncStream<MiningJob> {
        let (stream, continuation) = AsyncStream<MiningJob>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = nextSubscriber
        nextSubscriber += 1
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        if let current { continuation.yield(current) }
        return stream
    }

    /// Ends every job stream (so transports serving them can finish).
    public func finish() {
        for c in subscribers.values { c.finish() }
        subscribers.removeAll()
    }

    public nonisolated func judgeShare(_ share: ShareSubmission) -> ShareJudgement {
        // The lock covers the bookkeeping only; the u-draw runs outside it, in parallel.
        switch validator.withLock({ $0.admit(share, now: .now) }) {
        case .failure(let r):
            return .decided(.failure(r))
        case .success(let admitted):
            let result = ShareValidator.check(admitted)
            if case .success(let accepted) = result, accepted.isBlock {
                return .block(PendingBlock(job: admitted.job, share: share, accepted: accepted))
            }
            return .decided(result)
        }
    }

    /// Reports the block through `onBlock` (the owner decides what sealing means).
    public nonisolated func sealBlock(_ block: PendingBlock) async -> AcceptedShare {
        onBlock(block.job, block.share, block.accepted)
        return block.accepted
    }

    /// Number of nonces remembered (memory checks in the soak bench).
    public func seenCount() -> Int { validator.withLock { $0.seenCount } }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }
}
