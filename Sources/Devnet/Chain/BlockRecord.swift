import MiningCore

/// What the chain remembers about a stored block besides its body: the values the next block's
/// validation and fork choice need, so neither has to re-run the u-draw or the verifiers.
public struct BlockRecord: Sendable, Equatable {
    public var hash: [UInt8]
    public var height: UInt64
    public var parentHash: [UInt8]
    /// Header time, ms.
    public var time: UInt64
    public var mixSeed: [UInt8]
    /// The header's Θ (what this block had to reach).
    public var thetaMicro: Int64
    /// Retarget state after this block; `nextTheta` is what its child must carry.
    public var retarget: AnyRetargetRule.State
    /// `H(u)` of the nonce, µ-nats.
    public var h: Int64
    /// Σψ credited, µ-nats.
    public var psiMicro: Int64
    /// Σ over the chain up to and including this block of `S = H + Σψ` (fork choice).
    public var cumulativeScore: Int64
    /// Proof type ids in block order (for logs and RPC).
    public var proofTypes: [ProofType]

    public init(hash: [UInt8], height: UInt64, parentHash: [UInt8], time: UInt64, mixSeed: [UInt8],
                thetaMicro: Int64, retarget: AnyRetargetRule.State, h: Int64, psiMicro: Int64, cumulativeScore: Int64,
                proofTypes: [ProofType]) {
        self.hash = hash
        self.height = height
        self.parentHash = parentHash
        self.time = time
        self.mixSeed = mixSeed
        self.thetaMicro = thetaMicro
        self.retarget = retarget
        self.h = h
        self.psiMicro = psiMicro
        self.cumulativeScore = cumulativeScore
        self.proofTypes = proofTypes
    }

    /// `S = H + Σψ`.
    public var score: Int64 { h + psiMicro }
    /// Θ the child of this block must carry.
    public var nextTheta: Int64 { retarget.theta }

    /// The genesis record of `config`.
    public static func genesis(_ config: ChainConfig) -> BlockRecord {
        let g = config.genesis
        return BlockRecord(hash: g.hash, height: 0, parentHash: g.header.parentHash, time: g.header.time,
                           mixSeed: MixSeed.genesis, thetaMicro: config.theta1,
                           retarget: config.retarget.initialState(theta0: config.theta0), h: 0, psiMicro: 0,
                           cumulativeScore: 0, proofTypes: [])
    }
}
