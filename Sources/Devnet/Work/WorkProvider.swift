import MiningCore

/// A job: a template the node issued, with what a share and a block need. `jobId` is the
/// template's `extra.templateId` (spec §9).
public struct MiningJob: Sendable, Equatable {
    public var template: HeaderTemplate
    /// `max(0, Θ − Σψ)` for the node's current proof selection: a nonce with `H ≥ blockTarget`
    /// seals a block.
    public var blockTarget: Int64
    /// True when earlier jobs are no longer worth mining (new head or Θ).
    public var cleanJobs: Bool
    /// Proof types the node attaches to this job (`{"proofs":["ai","vdf"]}` in `mining.notify`).
    public var proofHints: [String]

    public var jobId: String { template.extra.templateId }

    /// The share threshold for sessions without vardiff (WebSocket, HTTP): `tShare(Θ, K)`, but
    /// never above the block target — a hash that seals a block must count as a share, or the
    /// miner would not send it (with Σψ > ln K the block target is the lower one).
    public func defaultShareTarget(sharesPerBlock k: Int64) -> Int64 {
        min(ShareTarget.tShare(thetaMicro: template.params.thetaMicro, k: k), max(0, blockTarget))
    }

    public init(template: HeaderTemplate, blockTarget: Int64, cleanJobs: Bool, proofHints: [String]) {
        self.template = template
        self.blockTarget = blockTarget
        self.cleanJobs = cleanJobs
        self.proofHints = proofHints
    }
}

/// Where a share or block reached the node: the `source` of block events and logs.
public enum WorkSource: String, Sendable, Equatable, CaseIterable {
    /// The node's built-in CPU miner.
    case local
    /// A Stratum session.
    case stratum
    /// A WebSocket getwork session (`/ws`).
    case ws
    /// JSON-RPC over HTTP (`miner_submitShare`, `miner_submitBlock`).
    case rpc
}

/// One share as it reaches the node from any transport (Stratum, WebSocket, the built-in miner).
public struct ShareSubmission: Sendable, Equatable {
    public var jobId: String
    public var nonce: Nonce
    /// The session's share threshold in µ-nats (set by vardiff; spec §9).
    public var tShareMicro: Int64
    public var worker: String
    public var source: WorkSource

    public init(jobId: String, nonce: Nonce, tShareMicro: Int64, worker: String, source: WorkSource = .rpc) {
        self.jobId = jobId
        self.nonce = nonce
        self.tShareMicro = tShareMicro
        self.worker = worker
        self.source = source
    }
}

/// Why a share was refused. Raw values are the JSON-RPC error codes of spec §9; `label` is the
/// `reason` dimension of `animica_miner_shares_rejected_total`.
public enum ShareRejection: Int, Error, Sendable, CaseIterable {
    case other = 20
    case staleJob = 21
    case duplicate = 22
    case lowDifficulty = 23
    case unauthorized = 24
    case notSubscribed = 25
    case rateLimited = 26

    public var label: String {
        switch self {
        case .other: return "other"
        case .staleJob: return "stale_job"
        case .duplicate: return "duplicate"
        case .lowDifficulty: return "low_difficulty"
        case .unauthorized: return "unauthorized"
        case .notSubscribed: return "not_subscribed"
        case .rateLimited: return "rate_limited"
        }
    }

    public var message: String {
        switch self {
        case .other: return "share rejected"
        case .staleJob: return "stale or unknown job"
        case .duplicate: return "duplicate share"
        case .lowDifficulty: return "low difficulty share"
        case .unauthorized: return "unauthorized worker"
        case .notSubscribed: return "not subscribed"
        case .rateLimited: return "rate limited"
        }
    }
}

/// The outcome of a share that passed every check.
public struct AcceptedShare: Sendable, Equatable {
    public var h: Int64
    public var isBlock: Bool
    /// Set when the share sealed a block.
    public var blockHash: [UInt8]?

    public init(h: Int64, isBlock: Bool, blockHash: [UInt8]?) {
        self.h = h
        self.isBlock = isBlock
        self.blockHash = blockHash
    }
}

/// A share judged without suspending: its verdict, or a block the provider still has to seal.
public enum ShareJudgement: Sendable {
    case decided(Result<AcceptedShare, ShareRejection>)
    /// The share met its job's block target; ``WorkProvider/sealBlock(_:)`` finishes it.
    case block(PendingBlock)
}

/// An accepted share that meets its job's block target, on its way to becoming a block.
public struct PendingBlock: Sendable {
    public var job: MiningJob
    public var share: ShareSubmission
    public var accepted: AcceptedShare

    public init(job: MiningJob, share: ShareSubmission, accepted: AcceptedShare) {
        self.job = job
        self.share = share
        self.accepted = accepted
    }
}

/// The seam between the node and the transports that hand out work (Stratum, WebSocket getwork,
/// the built-in miner). The node implements it; transports and their tests depend only on this.
///
/// Shares are judged in two steps so that the common case never waits: ``judgeShare(_:)`` runs
/// on the caller's thread (a Stratum event loop, thousands of times a second) and decides every
/// share that is not a block; only a block goes on to ``sealBlock(_:)``, which may suspend (the
/// node validates, stores and applies it on its actor).
public protocol WorkProvider: Sendable {
    /// The job to mine now, if the node has one.
    func currentJob() async -> MiningJob?
    /// Every new job, starting with the current one.
    func jobUpdates() async -> AsyncStream<MiningJob>
    /// Job, duplicate and threshold checks (the full u-draw), without suspending.
    func judgeShare(_ share: ShareSubmission) -> ShareJudgement
    /// Seals the block of an accepted share; the answer is the share's final verdict (a block
    /// that fails validation still counts as a share, with `isBlock == false`).
    func sealBlock(_ block: PendingBlock) async -> AcceptedShare
}

extension WorkProvider {
    /// ``judgeShare(_:)``, then ``sealBlock(_:)`` for a block.
    public func submitShare(_ share: ShareSubmission) async -> Result<AcceptedShare, ShareRejection> {
        switch judgeShare(share) {
        case .decided(let r): return r
        case .block(let b): return .success(await sealBlock(b))
        }
    }
}
