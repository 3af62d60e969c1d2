import MiningCore

/// Stand-in for devnet-stratum's `ShareValidator` until that branch lands: recent jobs with a
/// TTL, seen nonces per job, the full u-draw check. Same API subset, so the swap is a rename.
struct NodeShareBook: Sendable {
    struct Configuration: Sendable {
        var jobTTL: Duration
        var maxJobs = 8
        init(jobTTL: Duration) { self.jobTTL = jobTTL }
    }

    struct AdmittedShare: Sendable {
        let job: MiningJob
        let signBytes: [UInt8]
        let nonce: Nonce
        let tShareMicro: Int64
    }

    struct Entry {
        var job: MiningJob
        var signBytes: [UInt8]
        var addedAt: ContinuousClock.Instant
        var retired: Bool
        var seen: Set<Nonce>
    }

    let configuration: Configuration
    var entries: [Entry] = []

    init(configuration: Configuration) { self.configuration = configuration }

    mutating func add(_ job: MiningJob, now: ContinuousClock.Instant) {
        entries.removeAll { now - $0.addedAt > configuration.jobTTL || $0.retired }
        if job.cleanJobs { for i in entries.indices { entries[i].retired = true } }
        entries.append(Entry(job: job, signBytes: job.template.signBytes, addedAt: now, retired: false, seen: []))
        if entries.count > configuration.maxJobs { entries.removeFirst(entries.count - configuration.maxJobs) }
    }

    mutating func admit(_ share: ShareSubmission, now: ContinuousClock.Instant) -> Result<AdmittedShare, ShareRejection> {
        guard let i = entries.lastIndex(where: { $0.job.jobId == share.jobId }), !entries[i].retired,
              now - entries[i].addedAt <= configuration.jobTTL else { return .failure(.staleJob) }
        guard entries[i].seen.insert(share.nonce).inserted else { return .failure(.duplicate) }
        let e = entries[i]
        return .success(AdmittedShare(job: e.job, signBytes: e.signBytes, nonce: share.nonce, tShareMicro: max(0, share.tShareMicro)))
    }

    static func check(_ a: AdmittedShare) -> Result<AcceptedShare, ShareRejection> {
        let draw = UDraw.draw(signBytes: a.signBytes, nonce: a.nonce, mixSeed: a.job.template.nonceDomain.mixSeed)
        guard draw.H >= a.tShareMicro else { return .failure(.lowDifficulty) }
        let isBlock = draw.H >= a.job.blockTarget
        return .success(AcceptedShare(h: draw.H, isBlock: isBlock, blockHash: isBlock ? draw.blockHash : nil))
    }
}
