/// Node behaviour that is not consensus: how templates and jobs are handed out.
public struct NodeOptions: Sendable {
    /// `coinbase` of the node's templates.
    public var coinbase: String
    /// A new template (fresh time) at least this often on an unchanged head.
    public var templateRefresh: Duration
    /// How long a job accepts shares.
    public var jobTTL: Duration
    /// How long a new head's first job waits for the local proof providers.
    public var proofDeadline: Duration
    /// After a new head, shares for jobs on the previous head are still accepted — as shares,
    /// never as blocks — for this long (`stale_grace`): they were found in good faith while the
    /// new job was on its way (docs/decisions/devnet-stratum.md).
    public var staleGrace: Duration

    public init(coinbase: String = "devnet-miner", templateRefresh: Duration = .seconds(5),
                jobTTL: Duration = .seconds(60), proofDeadline: Duration = .seconds(2), staleGrace: Duration = .seconds(1)) {
        self.coinbase = coinbase
        self.templateRefresh = templateRefresh
        self.jobTTL = jobTTL
        self.proofDeadline = proofDeadline
        self.staleGrace = staleGrace
    }
}
