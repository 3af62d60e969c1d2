import MiningCore

/// A real ``WorkProvider`` without a chain: jobs are pushed in by the owner, shares are fully
/// validated by a ``ShareValidator``, and shares that meet a job's `blockTarget` are reported
/// through `onBlock` (the owner decides what sealing means). Used by transport tests, the
/// Stratum bench and any server that runs without a node.
///
/// The actor only does the cheap bookkeeping (job lookup, duplicate set); the u-draw runs off
/// the actor so shares from many connections hash in parallel.
public actor InMemoryWorkProvider: WorkProvider {
    public typealias BlockHandler = @Sendable (MiningJob, ShareSubmission, AcceptedShare) -> Void

    private var validator: ShareValidator
    private var current: MiningJob?
    private var subscribers: [Int: AsyncStream<MiningJob>.Continuation] = [:]
    private var nextSubscriber = 0
    private let onBlock: BlockHandler

    public init(configuration: ShareValidator.Configuration = .init(),
                onBlock: @escaping BlockHandler = { _, _, _ in }) {
        self.validator = ShareValidator(configuration: configuration)
        self.onBlock = onBlock
    }

    /// Makes `job` the current job and sends it to every subscriber.
    public func push(_ job: MiningJob) {
        validator.add(job, now: .now)
        current = job
        for c in subscribers.values { c.yield(job) }
    }

    public func currentJob() -> MiningJob? { current }

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

    public func submitShare(_ share: ShareSubmission) async -> Result<AcceptedShare, ShareRejection> {
        switch validator.admit(share, now: .now) {
        case .failure(let r):
            return .failure(r)
        case .success(let admitted):
            let result = await Self.checkOffActor(admitted)
            if case .success(let accepted) = result, accepted.isBlock {
                onBlock(admitted.job, share, accepted)
            }
            return result
        }
    }

    /// Number of nonces remembered (memory checks in the soak bench).
    public func seenCount() -> Int { validator.seenCount }

    private func unsubscribe(_ id: Int) { subscribers[id] = nil }

    /// `@concurrent`: runs on the global executor, not the actor.
    @concurrent private static func checkOffActor(_ a: ShareValidator.AdmittedShare) async -> Result<AcceptedShare, ShareRejection> {
        ShareValidator.check(a)
    }
}
