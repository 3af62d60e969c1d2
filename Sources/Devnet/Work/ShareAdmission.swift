import MiningCore
import Synchronization

/// Which shares a node still takes, shared by every transport thread: the issued jobs (a
/// ``ShareValidator``) and the head they must extend, behind one lock.
///
/// The node actor feeds it (``add(_:now:)`` for each job, ``headMoved(from:to:now:)`` for each
/// new head); Stratum event loops and WebSocket handlers call ``admit(_:now:)`` directly, so a
/// share costs a lock and a hash, never a hop to the actor — only a block does that.
///
/// **Stale grace** (docs/decisions/devnet-stratum.md): a job whose parent is no longer the head
/// is refused as stale, except for ``staleGrace`` after its parent was replaced: then its shares
/// are admitted as shares only (`graceOnly`), never as blocks.
public final class ShareAdmission: Sendable {
    private struct State {
        var validator: ShareValidator
        var head: [UInt8]
        /// Heads replaced within the grace and when (newest last; bounded).
        var replaced: [(hash: [UInt8], at: ContinuousClock.Instant)] = []
    }

    public let staleGrace: Duration
    private let state: Mutex<State>

    public init(validator: ShareValidator.Configuration, head: [UInt8], staleGrace: Duration) {
        self.staleGrace = staleGrace
        self.state = Mutex(State(validator: ShareValidator(configuration: validator), head: head))
    }

    /// A job the node issued.
    public func add(_ job: MiningJob, now: ContinuousClock.Instant) {
        state.withLock { $0.validator.add(job, now: now) }
    }

    /// The head moved from `old` to `new`; `old`'s jobs keep the grace.
    public func headMoved(from old: [UInt8], to new: [UInt8], now: ContinuousClock.Instant) {
        let grace = staleGrace
        state.withLock { s in
            s.head = new
            s.replaced.removeAll { now - $0.at >= grace }
            s.replaced.append((old, now))
            if s.replaced.count > 256 { s.replaced.removeFirst(s.replaced.count - 256) }
        }
    }

    /// Job, parent and duplicate checks; records the nonce (see ``ShareValidator/admit(_:now:)``).
    public func admit(_ share: ShareSubmission, now: ContinuousClock.Instant)
        -> Result<(share: ShareValidator.AdmittedShare, graceOnly: Bool), ShareRejection> {
        let grace = staleGrace
        return state.withLock { s in
            guard let job = s.validator.job(id: share.jobId, now: now) else { return .failure(.staleJob) }
            var graceOnly = false
            if job.template.parentHash != s.head {
                guard let p = s.replaced.last(where: { $0.hash == job.template.parentHash }), now - p.at < grace else {
                    return .failure(.staleJob)
                }
                graceOnly = true
            }
            return s.validator.admit(share, now: now).map { ($0, graceOnly) }
        }
    }

    /// Nonces remembered across jobs.
    public var seenCount: Int { state.withLock { $0.validator.seenCount } }
}
