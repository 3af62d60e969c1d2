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
    /// The `proofs` hint of `mining.notify`: the proof types the node attaches (`["ai","vdf"]`),
    /// or, on a session's own job, the nullifiers of the session's proofs it carries (spec v1.1 §9).
    public var proofHints: [String]
    /// The session (its extranonce1) this job was built for, carrying that session's own proofs;
    /// `nil` for a job every session mines. Shares of other sessions on it are refused as unknown.
    public var owner: UInt32?
    /// The issuance this job belongs to: at every issuance the node builds the common job and
    /// one job per session that holds proofs, all with the same round (see ``isFor(session:ownRound:)``).
    public var round: UInt64

    public var jobId: String { template.extra.templateId }

    /// Whether the session `e1` should mine this job: its own jobs always, other sessions' never,
    /// and the common job unless the session already has its own job of the same round (the node
    /// sends a round's own jobs before its common one). `ownRound` is the round of the session's
    /// latest own job.
    public func isFor(session e1: UInt32, ownRound: UInt64?) -> Bool {
        if let owner { return owner == e1 }
        return ownRound != round
    }

    /// The share threshold for sessions without vardiff (WebSocket, HTTP): `tShare(Θ, K)`, but
    /// never above the block target — a hash that seals a block must count as a share, or the
    /// miner would not send it (with Σψ > ln K the block target is the lower one).
    public func defaultShareTarget(sharesPerBlock k: Int64) -> Int64 {
        min(ShareTarget.tShare(thetaMicro: template.params.thetaMicro, k: k), max(0, blockTarget))
    }

    public init(template: HeaderTemplate, blockTarget: Int64, cleanJobs: Bool, proofHints: [String],
                owner: UInt32? = nil, round: UInt64 = 0) {
        self.template = template
        self.blockTarget = blockTarget
        self.cleanJobs = cleanJobs
        self.proofHints = proofHints
        self.owner = owner
        self.round = round
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
    /// `H ≥ tShare(Θ, K)` of its job: deep enough to be a `hashshare:v1` proof (the node keeps
    /// it for the session's next job). An integer compare, like every share test; the exact `H`
    /// is never computed for a share.
    public var isDeep: Bool
    public var isBlock: Bool
    /// Set when the share sealed a block.
    public var blockHash: [UInt8]?

    public init(isDeep: Bool, isBlock: Bool, blockHash: [UInt8]?) {
        self.isDeep = isDeep
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
    /// A miner's own proof for its session `e1` (spec v1.1 §9, `mining.submit_proof` /
    /// `miner_submitProof`), as the envelope JSON it sent: decoded and verified in full, then
    /// held for that session's jobs.
    func submitProof(_ envelope: JSONValue, session e1: UInt32) async -> Result<HeldProof, ProofRefusal>
    /// The job session `e1` should mine now: its own, else the common one.
    func currentJob(session e1: UInt32) async -> MiningJob?
    /// The session ended: its held proofs are dropped (their nullifiers are free again).
    func endSession(_ e1: UInt32) async
}

/// A proof the node now holds for a session: the reply to `mining.submit_proof`.
public struct HeldProof: Sendable, Equatable {
    public var type: ProofType
    public var nullifier: [UInt8]
    /// ψ before caps (`psiAdjMicro`): what the proof is worth alone.
    public var psiRawMicro: Int64

    public init(type: ProofType, nullifier: [UInt8], psiRawMicro: Int64) {
        self.type = type
        self.nullifier = nullifier
        self.psiRawMicro = psiRawMicro
    }

    public var json: JSONValue {
        ["nullifier": .string(Hex.encode(nullifier)), "type": .string(type.wireId), "psiRawMicro": .int(psiRawMicro)]
    }
}

/// Why a submitted proof was not held (spec v1.1 §9): 27 with the verifier's reason, 22 for a
/// nullifier already held or used, 26 when the session's verification budget is spent.
public enum ProofRefusal: Error, Sendable, Equatable {
    /// The verifier (or a cheaper check before it) refused it: `reason` is a ``Rejection`` code
    /// or one of `type_not_allowed`, `max_proofs`, `stale_parent`, `unsupported`.
    case rejected(reason: String, field: String?, detail: String)
    /// The nullifier is held by a session or the node, or was used within `nullifierTTL` blocks.
    case duplicate
    /// The session spent its share of verification time; try again later.
    case rateLimited

    public var code: Int {
        switch self {
        case .rejected: return 27
        case .duplicate: return ShareRejection.duplicate.rawValue
        case .rateLimited: return ShareRejection.rateLimited.rawValue
        }
    }

    /// The `reason` label of `animica_node_proofs_rejected_total`.
    public var reason: String {
        switch self {
        case .rejected(let r, _, _): return r
        case .duplicate: return "duplicate"
        case .rateLimited: return "rate_limited"
        }
    }

    public var message: String {
        switch self {
        case .rejected(let r, let f, let d): return "proof rejected: \(r)\(f.map { " at \($0)" } ?? ""): \(d)"
        case .duplicate: return "duplicate proof nullifier (held by a session or the node, or used within nullifierTTL blocks)"
        case .rateLimited: return "rate limited: this session's proof verification budget is spent"
        }
    }

    /// Reasons an honest miner meets in normal work: the session already holds `maxProofs` of the
    /// type (its earlier proofs wait for a block), the head moved while the proof was verified, or
    /// the node issues no work. They are answered but never count against the session.
    public static let honestReasons: Set<String> = ["max_proofs", "stale_parent", "unavailable"]

    /// Whether this refusal counts as invalid work in the session's abuse score (spec v1.1 §9:
    /// invalid proofs are invalid work; a proof another session holds is 22). A spent budget (26)
    /// and the ``honestReasons`` do not.
    public var isInvalidWork: Bool { Self.isInvalidWork(code: code, reason: reason) }

    /// ``isInvalidWork`` from a JSON-RPC error's code and `data.reason`, for transports that see
    /// only the reply.
    public static func isInvalidWork(code: Int, reason: String?) -> Bool {
        switch code {
        case ShareRejection.duplicate.rawValue: return true
        case 27: return !honestReasons.contains(reason ?? "")
        default: return false
        }
    }

    /// `error.data` of the JSON-RPC reply.
    public var data: JSONValue? {
        guard case .rejected(let r, let f, _) = self else { return nil }
        return ["reason": .string(r), "field": f.map(JSONValue.string) ?? .null]
    }
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
