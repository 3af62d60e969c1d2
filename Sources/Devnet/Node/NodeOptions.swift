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

    public init(coinbase: String = "devnet-miner", templateRefresh: Duration = .seconds(5),
                jobTTL: Duration = .seconds(60), proofDeadline: Duration = .seconds(2)) {
        self.coinbase = coinbase
        self.templateRefresh = templateRefresh
        self.jobTTL = jobTTL
        self.proofDeadline = proofDeadline
    }
}
