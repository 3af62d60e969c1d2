import MiningCore

/// Validates shares against the jobs a node issued (spec §3 shares, §9 error codes).
///
/// A pure value: no clock, no I/O, no locks. The owner (an actor such as ``InMemoryWorkProvider``
/// or the node) passes `now` in, so expiry is testable without sleeping.
///
/// **Job lifetime** (the spec leaves it to the node; see docs/decisions/devnet-stratum.md):
/// - every job lives at most ``Configuration/jobTTL`` after it was added;
/// - at most ``Configuration/maxJobs`` jobs per owner are kept (the newest ones; a session's own
///   jobs and the common jobs are counted apart), so a miner that is a job
///   or two behind after a non-clean refresh (new time/mempool, same head) still gets credit;
/// - a job with `cleanJobs == true` (new head or Θ) retires every earlier job but the other
///   jobs of its own round (``MiningJob/round``): they stay
///   acceptable only for ``Configuration/cleanGrace`` (default zero — shares on the old head
///   are stale at once, which is what Stratum's `clean_jobs` promises miners).
///
/// **Duplicates**: every nonce that passed the job check is recorded for its job — valid or not —
/// so re-sending any share is answered by a cheap set lookup (22) instead of another hash. The
/// set is bounded by ``Configuration/maxSeenPerJob``; a job that is full refuses further shares
/// with `.other` (20) until the next job, which keeps memory flat under any load.
///
/// Validation is split in two so an actor can keep its critical section tiny: ``admit(_:now:)``
/// (job lookup + duplicate bookkeeping, mutating, cheap) and the static ``check(_:)`` (the u-draw,
/// pure, can run on any thread). ``validate(_:now:)`` does both.
///
/// **Cheap checks** (spec §3): a share meets `tShare` iff its `x ≤ X(tShare)`, an integer compare.
/// `X(t)` (MPFR, tens of µs) is computed once per threshold value and cached (sessions keep their
/// threshold for many jobs), `X(blockTarget)` and `X(tShare(Θ, K))` (is the share deep enough to
/// be a hash-share proof) once per job, and the block hash only for a block. The exact `H`
/// (MPFR) is never needed for a share: nothing reports it.
public struct ShareValidator: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// How long a job accepts shares after it was added.
        public var jobTTL: Duration
        /// How many of the newest jobs are kept.
        public var maxJobs: Int
        /// How long jobs retired by a `cleanJobs` job still accept shares.
        public var cleanGrace: Duration
        /// Nonces remembered per job (memory bound: ~50 bytes each).
        public var maxSeenPerJob: Int
        /// `K` of `tShare(Θ, K)`, the depth of a share that can be a hash-share proof.
        public var sharesPerBlock: Int64

        public init(jobTTL: Duration = .seconds(120), maxJobs: Int = 8, cleanGrace: Duration = .zero,
                    maxSeenPerJob: Int = 1 << 20, sharesPerBlock: Int64 = 16) {
            self.jobTTL = jobTTL
            self.maxJobs = max(1, maxJobs)
            self.cleanGrace = cleanGrace
            self.maxSeenPerJob = max(1, maxSeenPerJob)
            self.sharesPerBlock = max(1, sharesPerBlock)
        }
    }

    /// A share that passed the job and duplicate checks, with what the u-draw needs.
    public struct AdmittedShare: Sendable {
        public let job: MiningJob
        public let signBytes: [UInt8]
        public let nonce: Nonce
        public let tShareMicro: Int64
        /// `X(tShareMicro)`, `X(blockTarget)` and `X(tShare(Θ, K))` (nil: no x qualifies).
        let shareX: [UInt8]?
        let blockX: [UInt8]?
        let deepX: [UInt8]?
    }

    struct Entry {
        var job: MiningJob
        var signBytes: [UInt8]
        /// `X(job.blockTarget)`.
        var blockX: [UInt8]?
        /// `X(tShare(Θ, K))`.
        var deepX: [UInt8]?
        var addedAt: ContinuousClock.Instant
        /// Set when a later `cleanJobs` job retired this one.
        var retiredAt: ContinuousClock.Instant?
        var seen: SeenNonces
    }

    public let configuration: Configuration
    /// Oldest first.
    var entries: [Entry] = []
    /// `X(t)` by threshold (bounded: cleared when it reaches 4096 values).
    var thresholds: [Int64: [UInt8]?] = [:]

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Ids of the jobs that still accept shares at `now`, oldest first.
    public func liveJobIds(now: ContinuousClock.Instant) -> [String] {
        entries.filter { isLive($0, now: now) }.map(\.job.jobId)
    }

    /// Total nonces remembered across jobs (for memory checks).
    public var seenCount: Int { entries.reduce(0) { $0 + $1.seen.count } }

    /// Adds a job (the newest). Re-adding a known job id replaces its job but keeps its seen
    /// nonces (the same template must not pay twice for one nonce).
    public mutating func add(_ job: MiningJob, now: ContinuousClock.Instant) {
        prune(now: now)
        var seen = SeenNonces()
        if let i = entries.firstIndex(where: { $0.job.jobId == job.jobId }) {
            seen = entries.remove(at: i).seen
        }
        if job.cleanJobs {
            // A clean job retires every earlier job except its siblings: the other jobs of the
            // same round (the node sends a round's own jobs, then its common job — the common
            // one must not retire the sessions' own jobs it was issued with). Round 0 means no
            // rounds (providers without sessions' proofs): every earlier job is retired.
            for i in entries.indices where entries[i].retiredAt == nil {
                let e = entries[i].job
                let sibling = job.round != 0 && e.round == job.round && e.owner != job.owner
                if !sibling { entries[i].retiredAt = now }
            }
        }
        let deep = ShareTarget.tShare(thetaMicro: job.template.params.thetaMicro, k: configuration.sharesPerBlock)
        entries.append(Entry(job: job, signBytes: job.template.signBytes, blockX: Threshold.X(t: job.blockTarget),
                             deepX: Threshold.X(t: deep), addedAt: now, retiredAt: nil, seen: seen))
        // The bound is per owner: sessions' own jobs (spec v1.1 §9) do not push the common jobs out.
        let owner = job.owner
        var same = entries.reduce(0) { $0 + ($1.job.owner == owner ? 1 : 0) }
        if same > configuration.maxJobs {
            entries.removeAll { e in
                guard same > configuration.maxJobs, e.job.owner == owner else { return false }
                same -= 1
                return true
            }
        }
        // Jobs retired without grace go now, with their seen sets (memory stays flat).
        prune(now: now)
    }

    /// Drops jobs that can no longer accept shares.
    public mutating func prune(now: ContinuousClock.Instant) {
        let config = configuration
        entries.removeAll { !Self.isLive($0, now: now, config) }
    }

    /// The live job `id`, if any.
    public func job(id: String, now: ContinuousClock.Instant) -> MiningJob? {
        guard let i = entries.lastIndex(where: { $0.job.jobId == id }), isLive(entries[i], now: now) else { return nil }
        return entries[i].job
    }

    /// Job and duplicate checks; records the nonce. Unknown or expired job → `.staleJob`,
    /// nonce already seen for the job → `.duplicate`, job full → `.other`.
    public mutating func admit(_ share: ShareSubmission, now: ContinuousClock.Instant) -> Result<AdmittedShare, ShareRejection> {
        guard let i = entries.lastIndex(where: { $0.job.jobId == share.jobId }), isLive(entries[i], now: now) else {
            return .failure(.staleJob)
        }
        // Another session's own job is not this session's to mine (it carries that session's proofs).
        if let owner = entries[i].job.owner, owner != share.nonce.extranonce1 { return .failure(.staleJob) }
        if entries[i].seen.contains(share.nonce) { return .failure(.duplicate) }
        guard entries[i].seen.count < configuration.maxSeenPerJob else { return .failure(.other) }
        entries[i].seen.insert(share.nonce)
        let e = entries[i]
        let t = max(0, share.tShareMicro)
        let shareX: [UInt8]?
        if let cached = thresholds[t] {
            shareX = cached
        } else {
            if thresholds.count >= 4096 { thresholds.removeAll(keepingCapacity: true) }
            shareX = Threshold.X(t: t)
            thresholds[t] = shareX
        }
        return .success(AdmittedShare(job: e.job, signBytes: e.signBytes, nonce: share.nonce, tShareMicro: t,
                                      shareX: shareX, blockX: e.blockX, deepX: e.deepX))
    }

    /// The full u-draw of an admitted share: `H < tShareMicro` → `.lowDifficulty`; otherwise the
    /// share is accepted, and it is a block when `H ≥ blockTarget`.
    public static func check(_ a: AdmittedShare) -> Result<AcceptedShare, ShareRejection> {
        let pre = UDraw.preimage(signBytes: a.signBytes, nonce: a.nonce, mixSeed: a.job.template.nonceDomain.mixSeed)
        let x = Keccak512.hash(pre)[0..<32]
        guard Threshold.meets(x, a.shareX) else { return .failure(.lowDifficulty) }
        let isBlock = Threshold.meets(x, a.blockX)
        return .success(AcceptedShare(isDeep: Threshold.meets(x, a.deepX), isBlock: isBlock, blockHash: isBlock ? SHA3_256.hash(pre) : nil))
    }

    /// ``admit(_:now:)`` then ``check(_:)``.
    public mutating func validate(_ share: ShareSubmission, now: ContinuousClock.Instant) -> Result<AcceptedShare, ShareRejection> {
        admit(share, now: now).flatMap(Self.check)
    }

    func isLive(_ e: Entry, now: ContinuousClock.Instant) -> Bool { Self.isLive(e, now: now, configuration) }

    static func isLive(_ e: Entry, now: ContinuousClock.Instant, _ c: Configuration) -> Bool {
        if now - e.addedAt > c.jobTTL { return false }
        if let r = e.retiredAt, now - r >= c.cleanGrace { return false }
        return true
    }
}
