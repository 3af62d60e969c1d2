import MiningCore

/// Node behaviour that is not consensus: how templates and jobs are handed out.
public struct NodeOptions: Sendable {
    /// `coinbase` of the node's templates.
    public var coinbase: String
    /// A new template (fresh time) at least this often on an unchanged head.
    public var templateRefresh: Duration
    /// How long a job accepts shares.
    public var jobTTL: Duration
    /// How long a new head's first job may wait for the local proof providers. Zero (the
    /// default): a job at once with the proofs ready now — none, on a new parent — refreshed
    /// (not clean) as each provider's proofs arrive, so a miner always has work (issue 15; a
    /// 2 s wait left `miner_getWork` answering "no work yet" half the time). Tests that need
    /// every block to carry the local proofs set a wait.
    public var proofWait: Duration
    /// After a new head, shares for jobs on the previous head are still accepted — as shares,
    /// never as blocks — for this long (`stale_grace`): they were found in good faith while the
    /// new job was on its way (docs/decisions/devnet-stratum.md).
    public var staleGrace: Duration
    /// The caps the node's selector uses for the proofs its jobs attach: a local selection
    /// overlay applied to the network policy (``SelectionOverlay/apply(to:)``, so never looser),
    /// or nil for the network policy's own. Only selection changes: each job's `Θ − Σψ` is still
    /// the network policy's credit of the chosen proofs, which is what the chain will credit.
    public var selectionCaps: CapsPolicy?

    public init(coinbase: String = "devnet-miner", templateRefresh: Duration = .seconds(5),
                jobTTL: Duration = .seconds(60), proofWait: Duration = .zero, staleGrace: Duration = .seconds(1),
                selectionCaps: CapsPolicy? = nil) {
        self.coinbase = coinbase
        self.templateRefresh = templateRefresh
        self.jobTTL = jobTTL
        self.proofWait = proofWait
        self.staleGrace = staleGrace
        self.selectionCaps = selectionCaps
    }
}
