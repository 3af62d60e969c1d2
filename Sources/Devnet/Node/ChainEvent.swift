import MiningCore

/// A block the node accepted (sent to observers: the progress log, `--blocks N`, RPC pushes).
public struct ChainEvent: Sendable {
    public var record: BlockRecord
    public var proofs: [CreditedProof]
    /// True when it became the head.
    public var isHead: Bool
    /// `time(h) − time(h−1)`, signed ms (block 1: the gap to the genesis time).
    public var intervalMs: Int64
    /// True when a share submitted to this node sealed it.
    public var sealedHere: Bool
    /// Where the sealing share (or the block, for `miner_submitBlock`) came from.
    public var source: WorkSource
    /// The first 4 bytes of the sealing nonce: the session that found it (0 for the built-in miner).
    public var extranonce1: UInt32 = 0
}

/// What the built-in miner should do: mine a job, or pause (the head moved and the next job is
/// still waiting for its local proofs).
public enum MinerWork: Sendable {
    case job(MiningJob)
    case idle
}
