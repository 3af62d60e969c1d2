import Foundation
import MiningCore

/// The per-connection Stratum logic as an I/O-free state machine (in the style of HummingbirdCore's
/// `HTTPConnectionStateHandler`): the connection feeds it events — an inbound message, the result
/// of a share, a new job, a clock tick — and carries out the ``Action``s it returns, in order.
/// Time is passed in.
///
/// What it decides:
/// - subscription (`extranonce1` is assigned by the server and handed in) and authorized workers;
/// - the session's share threshold, per job: every job is notified with the threshold it was
///   issued at, and a share is judged by the threshold of the job (wire id) it names, so a
///   difficulty never changes mid-job (spec §9);
/// - **vardiff** (docs/decisions/devnet-stratum.md): a share at threshold `t` stands for `e^t`
///   hashes on average (it needs `H ≥ t`, probability `e^{−t}` per hash), so the accepted shares of
///   a window estimate the miner's hash rate `R` whatever thresholds they were mined at, and the
///   wanted threshold is `t* = ln(R · 60 / target)`. A session starts at the threshold of a
///   10^4 H/s miner (``Configuration/initialHashrate``). Volume is answered at once:
///   ``Configuration/fastShares`` shares that put `t*` more than ln 4 above the wanted threshold
///   move it to `t*` in one step; otherwise it moves half-way to `t*` every
///   ``Configuration/vardiffInterval`` (at most ln 4 a step), and silence for
///   ``Configuration/silence`` lowers it by ln 2 (from ``tick(now:)``). A job's threshold is the
///   wanted one clamped to the job's block target `Θ − Σψ` (every block-sealing hash must reach
///   the node) and to `tShare(Θ, K)` (so must every share deep enough to be a hash-share proof:
///   shares accumulate); a change goes out at once as `mining.set_difficulty` followed by
///   a fresh `mining.notify` of the current job under a new wire id (`<jobId>/d<n>`);
/// - **limits that stop abuse, not miners**: the one abuse policy of every transport
///   (``AbuseScore``): only invalid traffic (malformed lines, unknown methods, invalid shares) and
///   subscribe/authorize messages cost tokens; accepted and stale shares are free. An empty bucket
///   answers 26; a flood of such answers, or a high invalid-share ratio, closes the session. The
///   server's ``PeerRegistry`` decides whether the address is banned (only repeated offenders are).
public struct StratumSession: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// A fixed first threshold; `nil` uses the threshold that gives ``initialHashrate`` its
        /// target share rate.
        public var initialTShareMicro: Int64?
        /// The hash rate a new session is assumed to have (low, so slow miners get shares at once).
        public var initialHashrate: Double
        /// Vardiff target; `nil` turns vardiff off.
        public var targetSharesPerMinute: Double?
        public var vardiffInterval: Duration
        /// Shares that, arriving at more than 4× the target rate, trigger an immediate raise.
        public var fastShares: Int
        /// No accepted share for this long halves the threshold's work (nil: 4 target intervals).
        public var silence: Duration?
        public var minTShareMicro: Int64
        /// Per-connection token bucket (charged by invalid traffic).
        public var bucketCapacity: Double
        public var bucketRefillPerSecond: Double
        public var banMinShares: Int
        public var banInvalidRatio: Double
        public var banDuration: Duration
        /// Messages answered 26 in a row (an empty bucket) that close the session: a flood of
        /// garbage is cut off, not rate limited forever.
        public var closeAfterRateLimited: Int
        /// `K` of `tShare(Θ, K)`: no threshold goes above it, so every share deep enough to be a
        /// hash-share proof reaches the node (shares accumulate) — at most K shares per block
        /// interval over all sessions together. `nil`: no such ceiling.
        public var sharesPerBlock: Int64?

        public init(initialTShareMicro: Int64? = nil, initialHashrate: Double = 1e4, targetSharesPerMinute: Double? = 15,
                    vardiffInterval: Duration = .seconds(30), fastShares: Int = 4, silence: Duration? = nil,
                    minTShareMicro: Int64 = 0, bucketCapacity: Double = 200, bucketRefillPerSecond: Double = 100,
                    banMinShares: Int = 50, banInvalidRatio: Double = 0.5, banDuration: Duration = .seconds(600),
                    closeAfterRateLimited: Int = 100, sharesPerBlock: Int64? = 16) {
            self.initialTShareMicro = initialTShareMicro
            self.initialHashrate = initialHashrate
            self.targetSharesPerMinute = targetSharesPerMinute
            self.vardiffInterval = vardiffInterval
            self.fastShares = max(1, fastShares)
            self.silence = silence
            self.minTShareMicro = minTShareMicro
            self.bucketCapacity = bucketCapacity
            self.bucketRefillPerSecond = bucketRefillPerSecond
            self.banMinShares = banMinShares
            self.banInvalidRatio = banInvalidRatio
            self.banDuration = banDuration
            self.closeAfterRateLimited = max(1, closeAfterRateLimited)
            self.sharesPerBlock = sharesPerBlock.map { max(1, $0) }
        }

        /// The first threshold of a session (before clamping to the job's Θ).
        public var initialThreshold: Int64 {
            if let t = initialTShareMicro { return t }
            let perMinute = targetSharesPerMinute ?? 15
            return Int64((log(max(1, initialHashrate * 60 / max(perMinute, 1e-9))) * 1e6).rounded())
        }

        /// The session's share of the one abuse policy (``AbuseScore``).
        public var abuse: AbuseScore.Configuration {
            AbuseScore.Configuration(bucketCapacity: bucketCapacity, bucketRefillPerSecond: bucketRefillPerSecond,
                                     closeAfterRateLimited: closeAfterRateLimited, minJudgedShares: banMinShares,
                                     maxInvalidRatio: banInvalidRatio)
        }

        /// How long without an accepted share lowers the threshold.
        var silenceDuration: Duration {
            silence ?? .milliseconds(Int64(4 * 60_000 / max(targetSharesPerMinute ?? 15, 1e-9)))
        }
    }

    public enum Action: Sendable, Equatable {
        /// Answer request `id` with `result`.
        case reply(id: JSONValue, result: JSONValue)
        case replyError(id: JSONValue, code: Int, message: String)
        /// Validate this share (provider) and report back through ``shareResult(id:_:now:)``.
        case submit(id: JSONValue, share: ShareSubmission)
        /// Decode and hand this proof to the provider for the session; report back through
        /// ``proofResult(valid:now:)``.
        case submitProof(id: JSONValue, envelope: JSONValue)
        case setDifficulty(Int64)
        /// Notify `job` under its own id.
        case notify(MiningJob)
        /// Notify `job` again under another wire id (a difficulty change), not clean.
        case renotify(MiningJob, jobId: String)
        /// Close the connection; with a ban, refuse its address until `until`.
        case close(bannedUntil: ContinuousClock.Instant?)
    }

    public let configuration: Configuration
    public let extranonce1: UInt32
    public private(set) var subscribed = false
    public private(set) var authorizedWorkers: Set<String> = []
    /// Threshold of the current job.
    public private(set) var activeTShare: Int64?
    /// The threshold vardiff wants (before the job's `Θ − 1` clamp).
    public private(set) var wantedTShare: Int64?
    public private(set) var latestJob: MiningJob?
    /// Round of the latest job built for this session's own proofs (see ``MiningJob/isFor(session:ownRound:)``).
    public private(set) var ownRound: UInt64?
    /// Shares judged / invalid (for the closing ratio).
    public var judged: Int { abuse.judged }
    public var invalid: Int { abuse.invalid }
    public private(set) var accepted = 0
    /// Difficulty changes so far.
    public private(set) var retargets = 0

    private var abuse: AbuseScore
    /// Wire id → (node job id, threshold) of recently notified jobs (last 32).
    private var issued: [(wireId: String, jobId: String, t: Int64)] = []
    private var windowStart: ContinuousClock.Instant?
    private var windowAccepted = 0
    /// Σ e^t over the window's accepted shares: the hashes they stand for.
    private var windowWork = 0.0
    private var lastShare: ContinuousClock.Instant?
    /// Threshold of the share awaiting its verdict (a connection has one submit in flight).
    private var inflightT: Int64?

    public init(extranonce1: UInt32, configuration: Configuration = .init()) {
        self.extranonce1 = extranonce1
        self.configuration = configuration
        self.abuse = AbuseScore(configuration: configuration.abuse)
    }

    public var extranonce1Hex: String { StratumInbound.hex(UInt64(extranonce1), digits: 8) }

    /// A parsed inbound line.
    public mutating func receive(_ inbound: StratumInbound, now: ContinuousClock.Instant) -> [Action] {
        let id: JSONValue
        switch inbound {
        case .invalid(let i, _, _), .request(let i, _): id = i
        }
        switch abuse.gate(now: now) {
        case .pass: break
        case .limited:
            return [.replyError(id: id, code: ShareRejection.rateLimited.rawValue, message: ShareRejection.rateLimited.message)]
        case .close:
            return [.replyError(id: id, code: ShareRejection.rateLimited.rawValue, message: ShareRejection.rateLimited.message),
                    .close(bannedUntil: now + configuration.banDuration)]
        }
        switch inbound {
        case .invalid(let id, let code, let message):
            abuse.charge(now: now)
            return [.replyError(id: id, code: code, message: message)]
        case .request(let id, .subscribe):
            abuse.charge(now: now)
            subscribed = true
            var actions: [Action] = [.reply(id: id, result: [
                [["mining.set_difficulty", .string(extranonce1Hex)], ["mining.notify", .string(extranonce1Hex)]],
                .string(extranonce1Hex), 4,
            ])]
            if let job = latestJob { actions += issue(job, now: now) }
            return actions
        case .request(let id, .authorize(let worker, _)):
            abuse.charge(now: now)
            guard Self.isValidWorker(worker) else {
                return [.replyError(id: id, code: ShareRejection.unauthorized.rawValue,
                                    message: "unauthorized worker: expected 1–64 printable characters")]
            }
            if authorizedWorkers.count < 64 { authorizedWorkers.insert(worker) }
            return [.reply(id: id, result: true)]
        case .request(let id, .submit(let worker, let wireId, let e2, let counter)):
            guard subscribed else { return reject(id, .notSubscribed, now: now) }
            guard authorizedWorkers.contains(worker) else { return reject(id, .unauthorized, now: now) }
            let known = issued.last(where: { $0.wireId == wireId })
            let t = known?.t ?? activeTShare ?? 0
            inflightT = known?.t
            let nonce = Nonce(extranonce1: extranonce1, extranonce2: e2, counter: counter)
            return [.submit(id: id, share: ShareSubmission(jobId: known?.jobId ?? wireId, nonce: nonce, tShareMicro: t,
                                                           worker: worker, source: .stratum))]
        case .request(let id, .submitProof(let worker, let envelope)):
            guard subscribed else { return reject(id, .notSubscribed, now: now) }
            guard authorizedWorkers.contains(worker) else { return reject(id, .unauthorized, now: now) }
            return [.submitProof(id: id, envelope: envelope)]
        }
    }

    /// The provider's verdict on a share this session asked for.
    public mutating func shareResult(id: JSONValue, _ result: Result<AcceptedShare, ShareRejection>,
                                     now: ContinuousClock.Instant) -> [Action] {
        let t = inflightT
        inflightT = nil
        switch result {
        case .success:
            accepted += 1
            lastShare = now
            windowAccepted += 1
            windowWork += exp(Double(t ?? activeTShare ?? 0) / 1e6)
            return [.reply(id: id, result: true)] + judge(valid: true, now: now) + vardiff(now: now, silent: false)
        case .failure(let r):
            var actions: [Action] = [.replyError(id: id, code: r.rawValue, message: r.message)]
            if r != .staleJob { actions += judge(valid: false, now: now) }
            return actions
        }
    }

    /// The provider's verdict on a proof this session submitted: an invalid proof counts as
    /// invalid work (like an invalid share); a refusal for budget (26) does not.
    public mutating func proofResult(valid: Bool?, now: ContinuousClock.Instant) -> [Action] {
        guard let valid else { return [] }
        return judge(valid: valid, now: now)
    }

    /// A new job from the provider: notified with the current threshold (once subscribed). Jobs
    /// built for other sessions' proofs are ignored, and so is a common job of a round that
    /// brought this session its own.
    public mutating func newJob(_ job: MiningJob, now: ContinuousClock.Instant) -> [Action] {
        guard job.isFor(session: extranonce1, ownRound: ownRound) else { return [] }
        if job.owner != nil { ownRound = job.round }
        // The same job twice (subscribe raced the job feed) is notified once.
        let repeated = job == latestJob && issued.last?.jobId == job.jobId
        latestJob = job
        guard subscribed, !repeated else { return [] }
        return issue(job, now: now)
    }

    /// A clock tick (about once a second): silence lowers the threshold.
    public mutating func tick(now: ContinuousClock.Instant) -> [Action] {
        guard subscribed else { return [] }
        return vardiff(now: now, silent: true)
    }

    // MARK: - Internals

    /// 1–64 printable ASCII characters (no controls, no spaces at the ends).
    public static func isValidWorker(_ w: String) -> Bool {
        let u = w.utf8
        return (1...64).contains(u.count) && u.allSatisfy { (0x21...0x7E).contains($0) }
    }

    private mutating func reject(_ id: JSONValue, _ r: ShareRejection, now: ContinuousClock.Instant) -> [Action] {
        return [.replyError(id: id, code: r.rawValue, message: r.message)] + judge(valid: false, now: now)
    }

    /// The threshold clamped to what `job` allows: at most its block target `Θ − Σψ` (and
    /// `Θ − 1`), so every hash that seals a block is also a share the miner sends, and at most
    /// `tShare(Θ, K)`, so every share that can be a hash-share proof is sent too.
    private func clamped(_ t: Int64, for job: MiningJob) -> Int64 {
        var maxT = max(0, min(job.template.params.thetaMicro - 1, job.blockTarget))
        if let k = configuration.sharesPerBlock { maxT = min(maxT, ShareTarget.tShare(thetaMicro: job.template.params.thetaMicro, k: k)) }
        return min(max(t, min(configuration.minTShareMicro, maxT)), maxT)
    }

    private mutating func issue(_ job: MiningJob, now: ContinuousClock.Instant) -> [Action] {
        var actions: [Action] = []
        if wantedTShare == nil {
            wantedTShare = configuration.initialThreshold
            windowStart = now
        }
        let t = clamped(wantedTShare!, for: job)
        if t != activeTShare || issued.isEmpty { actions.append(.setDifficulty(t)) }
        activeTShare = t
        record(wireId: job.jobId, jobId: job.jobId, t: t)
        actions.append(.notify(job))
        return actions
    }

    private mutating func record(wireId: String, jobId: String, t: Int64) {
        issued.append((wireId, jobId, t))
        if issued.count > 32 { issued.removeFirst(issued.count - 32) }
    }

    /// Vardiff (see the type's comment): decides and announces a new threshold.
    private mutating func vardiff(now: ContinuousClock.Instant, silent: Bool) -> [Action] {
        guard let target = configuration.targetSharesPerMinute, target > 0,
              let start = windowStart, let active = activeTShare, let wanted = wantedTShare, let job = latestJob else { return [] }
        let elapsed = max((now - start).inSeconds, 1e-3)
        // t* − wanted, in nats: where the window's hash-rate estimate puts the threshold.
        let error = windowAccepted > 0 ? log(windowWork / elapsed * 60 / target) - Double(wanted) / 1e6 : 0
        let delta: Double
        if silent {
            let quietSince = max(lastShare ?? start, start)
            guard now - quietSince >= configuration.silenceDuration else { return [] }
            delta = -log(2.0)
        } else if windowAccepted >= configuration.fastShares, error > log(4.0) {
            delta = min(error, 30)
        } else if now - start >= configuration.vardiffInterval {
            // Half the measured log error: a window holds only a few shares, so a full step
            // would follow their noise (sd ≈ 1/√n nats); half a step settles within ~0.2 nats.
            delta = min(log(4.0), max(-log(4.0), 0.5 * error))
        } else {
            return []
        }
        windowStart = now
        windowAccepted = 0
        windowWork = 0
        lastShare = nil
        let newWanted = max(configuration.minTShareMicro, wanted + Int64((delta * 1e6).rounded()))
        wantedTShare = newWanted
        let proposed = clamped(newWanted, for: job)
        // Ignore changes under 5% of a nat: not worth a message.
        guard abs(proposed - active) >= 50_000 else { return [] }
        activeTShare = proposed
        retargets += 1
        let wireId = "\(job.jobId)/d\(retargets)"
        record(wireId: wireId, jobId: job.jobId, t: proposed)
        return [.setDifficulty(proposed), .renotify(job, jobId: wireId)]
    }

    private mutating func judge(valid: Bool, now: ContinuousClock.Instant) -> [Action] {
        abuse.judgedShare(valid: valid, now: now) ? [.close(bannedUntil: now + configuration.banDuration)] : []
    }
}
