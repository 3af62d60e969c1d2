import MiningCore

/// A block the node accepted (sent to observers: the progress log, `--blocks N`, RPC pushes).
public struct ChainEvent: Sendable {
    public var record: BlockRecord
    public var proofs: [CreditedProof]
    /// True when it became the head.
    public var isHead: Bool
    /// True when a share submitted to this node sealed it.
    public var sealedHere: Bool
}

/// What the built-in miner should do: mine a job, or pause (the head moved and the next job is
/// still waiting for its local proofs).
public enum MinerWork: Sendable {
    case job(MiningJob)
    case idle
}
