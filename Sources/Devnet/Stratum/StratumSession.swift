import Foundation
import MiningCore

/// The per-connection Stratum logic as an I/O-free state machine (in the style of HummingbirdCore's
/// `HTTPConnectionStateHandler`): the connection feeds it events — an inbound message, the result
/// of a share, a new job — and carries out the ``Action``s it returns, in order. Time is passed in.
///
/// What it decides:
/// - subscription (`extranonce1` is assigned by the server and handed in) and authorized workers;
/// - the session's share threshold: `active` applies to the current job, `pending` (set by
///   vardiff, announced at once with `mining.set_difficulty`) becomes active only with the next
///   `mining.notify`, so a job's difficulty never changes mid-job (spec §9);
/// - vardiff: every ``Configuration/vardiffInterval`` the accepted-share rate is compared with
///   ``Configuration/targetSharesPerMinute`` and the threshold moves by `ln(rate/target)` nats
///   (a share needs `H ≥ t`, found with probability `e^{−t}` per hash), at most `ln 4` a step,
///   clamped to `[minTShareMicro, Θ − 1]`;
/// - a token bucket per connection (every message takes a token; an empty bucket answers 26);
/// - the invalid-share ratio: once ``Configuration/banMinShares`` shares were judged, a ratio of
///   invalid ones (low difficulty, duplicate, rate limited; stale shares are the server's doing
///   and do not count) above ``Configuration/banInvalidRatio`` bans the connection.
public struct StratumSession: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Threshold before vardiff has data; `nil` derives it from the job: `tShare(Θ, 1024)`.
        public var initialTShareMicro: Int64?
        /// Vardiff target; `nil` turns vardiff off.
        public var targetSharesPerMinute: Double?
        public var vardiffInterval: Duration
        public var minTShareMicro: Int64
        /// Per-connection token bucket (messages).
        public var bucketCapacity: Double
        public var bucketRefillPerSecond: Double
        public var banMinShares: Int
        public var banInvalidRatio: Double
        public var banDuration: Duration

        public init(initialTShareMicro: Int64? = nil, targetSharesPerMinute: Double? = 20,
                    vardiffInterval: Duration = .seconds(30), minTShareMicro: Int64 = 0,
                    bucketCapacity: Double = 200, bucketRefillPerSecond: Double = 100,
                    banMinShares: Int = 50, banInvalidRatio: Double = 0.5, banDuration: Duration = .seconds(600)) {
            self.initialTShareMicro = initialTShareMicro
            self.targetSharesPerMinute = targetSharesPerMinute
            self.vardiffInterval = vardiffInterval
            self.minTShareMicro = minTShareMicro
            self.bucketCapacity = bucketCapacity
            self.bucketRefillPerSecond = bucketRefillPerSecond
            self.banMinShares = banMinShares
            self.banInvalidRatio = banInvalidRatio
            self.banDuration = banDuration
        }
    }

    public enum Action: Sendable, Equatable {
        /// Answer request `id` with `result`.
        case reply(id: JSONValue, result: JSONValue)
        case replyError(id: JSONValue, code: Int, message: String)
        /// Validate this share (provider) and report back through ``shareResult(id:_:now:)``.
        case submit(id: JSONValue, share: ShareSubmission)
        case setDifficulty(Int64)
        case notify(MiningJob)
        /// Close the connection; with a ban, refuse its address until `until`.
        case close(bannedUntil: ContinuousClock.Instant?)
    }

    public let configuration: Configuration
    public let extranonce1: UInt32
    public private(set) var subscribed = false
    public private(set) var authorizedWorkers: Set<String> = []
    /// Threshold of the current job.
    public private(set) var activeTShare: Int64?
    /// Threshold announced for the next job.
    public private(set) var pendingTShare: Int64?
    public private(set) var latestJob: MiningJob?
    /// Shares judged / invalid (for the ban ratio).
    public private(set) var judged = 0
    public private(set) var invalid = 0
    public private(set) var accepted = 0

    private var bucket: TokenBucket
    /// Threshold each recently notified job was issued with (last 16).
    private var jobTShare: [(jobId: String, t: Int64)] = []
    private var windowStart: ContinuousClock.Instant?
    private var windowAccepted = 0

    public init(extranonce1: UInt32, configuration: Configuration = .init()) {
        self.extranonce1 = extranonce1
        self.configuration = configuration
        self.bucket = TokenBucket(capacity: configuration.bucketCapacity, refillPerSecond: configuration.bucketRefillPerSecond)
    }

    public var extranonce1Hex: String { StratumInbound.hex(UInt64(extranonce1), digits: 8) }

    /// A parsed inbound line.
    public mutating func receive(_ inbound: StratumInbound, now: ContinuousClock.Instant) -> [Action] {
        let id: JSONValue
        switch inbound {
        case .invalid(let i, _, _), .request(let i, _): id = i
        }
        guard bucket.take(now: now) else {
            var actions: [Action] = [.replyError(id: id, code: ShareRejection.rateLimited.rawValue, message: ShareRejection.rateLimited.message)]
            if case .request(_, .submit) = inbound { actions += judge(valid: false, now: now) }
            return actions
        }
        switch inbound {
        case .invalid(let id, let code, let message):
            return [.replyError(id: id, code: code, message: message)]
        case .request(let id, .subscribe):
            subscribed = true
            var actions: [Action] = [.reply(id: id, result: [
                [["mining.set_difficulty", .string(extranonce1Hex)], ["mining.notify", .string(extranonce1Hex)]],
                .string(extranonce1Hex), 4,
            ])]
            if let job = latestJob { actions += issue(job, now: now) }
            return actions
        case .request(let id, .authorize(let worker, _)):
            guard Self.isValidWorker(worker) else {
                return [.replyError(id: id, code: ShareRejection.unauthorized.rawValue,
                                    message: "unauthorized worker: expected 1–64 printable characters")]
            }
            if authorizedWorkers.count < 64 { authorizedWorkers.insert(worker) }
            return [.reply(id: id, result: true)]
        case .request(let id, .submit(let worker, let jobId, let e2, let counter)):
            guard subscribed else { return reject(id, .notSubscribed) }
            guard authorizedWorkers.contains(worker) else { return reject(id, .unauthorized) }
            let t = jobTShare.last(where: { $0.jobId == jobId })?.t ?? activeTShare ?? 0
            let nonce = Nonce(extranonce1: extranonce1, extranonce2: e2, counter: counter)
            return [.submit(id: id, share: ShareSubmission(jobId: jobId, nonce: nonce, tShareMicro: t, worker: worker, source: .stratum))]
        }
    }

    /// The provider's verdict on a share this session asked for.
    public mutating func shareResult(id: JSONValue, _ result: Result<AcceptedShare, ShareRejection>,
                                     now: ContinuousClock.Instant) -> [Action] {
        switch result {
        case .success:
            accepted += 1
            windowAccepted += 1
            return [.reply(id: id, result: true)] + judge(valid: true, now: now) + retarget(now: now)
        case .failure(let r):
            var actions: [Action] = [.replyError(id: id, code: r.rawValue, message: r.message)]
            if r != .staleJob { actions += judge(valid: false, now: now) }
            return actions
        }
    }

    /// A new job from the provider: activates the pending threshold and notifies (once subscribed).
    public mutating func newJob(_ job: MiningJob, now: ContinuousClock.Instant) -> [Action] {
        // The same job twice (subscribe raced the job feed) is notified once.
        let repeated = job == latestJob && jobTShare.last?.jobId == job.jobId
        latestJob = job
        guard subscribed, !repeated else { return [] }
        return issue(job, now: now)
    }

    // MARK: - Internals

    /// 1–64 printable ASCII characters (no controls, no spaces at the ends).
    public static func isValidWorker(_ w: String) -> Bool {
        let u = w.utf8
        return (1...64).contains(u.count) && u.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private func reject(_ id: JSONValue, _ r: ShareRejection) -> [Action] {
        [.replyError(id: id, code: r.rawValue, message: r.message)]
    }

    private mutating func issue(_ job: MiningJob, now: ContinuousClock.Instant) -> [Action] {
        var actions = retarget(now: now)
        let maxT = max(0, job.template.params.thetaMicro - 1)
        let initial = configuration.initialTShareMicro ?? ShareTarget.tShare(thetaMicro: job.template.params.thetaMicro, k: 1024)
        let wanted = pendingTShare ?? activeTShare ?? initial
        let t = min(max(wanted, min(configuration.minTShareMicro, maxT)), maxT)
        if t != activeTShare && t != pendingTShare { actions.append(.setDifficulty(t)) }
        if activeTShare == nil { windowStart = now }
        activeTShare = t
        pendingTShare = nil
        jobTShare.append((job.jobId, t))
        if jobTShare.count > 16 { jobTShare.removeFirst() }
        actions.append(.notify(job))
        return actions
    }

    /// Vardiff: decides a pending threshold once per interval.
    private mutating func retarget(now: ContinuousClock.Instant) -> [Action] {
        guard let target = configuration.targetSharesPerMinute, target > 0,
              let start = windowStart, let active = activeTShare else { return [] }
        let elapsed = now - start
        guard elapsed >= configuration.vardiffInterval else { return [] }
        let (s, atto) = elapsed.components
        let minutes = (Double(s) + Double(atto) * 1e-18) / 60
        let rate = Double(windowAccepted) / minutes
        let step = log(4.0)
        let delta = windowAccepted == 0 ? -step : min(step, max(-step, log(rate / target)))
        windowStart = now
        windowAccepted = 0
        let maxT = max(0, (latestJob?.template.params.thetaMicro ?? Int64.max) - 1)
        let proposed = min(max(active + Int64((delta * 1e6).rounded()), configuration.minTShareMicro), maxT)
        // Ignore changes under 5% of a nat: not worth a message.
        guard abs(proposed - active) >= 50_000, proposed != pendingTShare else { return [] }
        pendingTShare = proposed
        return [.setDifficulty(proposed)]
    }

    private mutating func judge(valid: Bool, now: ContinuousClock.Instant) -> [Action] {
        judged += 1
        if !valid { invalid += 1 }
        // Halve both counts past 4× the minimum: the ratio follows recent behaviour.
        let (window, overflow) = max(1, configuration.banMinShares).multipliedReportingOverflow(by: 4)
        if !overflow, judged >= window { judged /= 2; invalid /= 2 }
        guard judged >= configuration.banMinShares,
              Double(invalid) / Double(judged) > configuration.banInvalidRatio else { return [] }
        return [.close(bannedUntil: now + configuration.banDuration)]
    }
}
