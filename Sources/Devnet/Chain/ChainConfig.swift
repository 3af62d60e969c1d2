import MiningCore

/// Everything that fixes a devnet chain: identity, genesis, difficulty rule, policy and the
/// timing rules blocks must follow. Two nodes with equal configs agree on every block.
public struct ChainConfig: Sendable {
    /// `u32(chainId)` in the sign-bytes and every nullifier (devnet 1337).
    public var chainId: UInt32
    /// Θ of the first mined block (height 1), µ-nats.
    public var theta0: Int64
    /// The consensus retarget rule of spec §6.
    public var retarget: EMARetarget
    /// The PoIES policy (caps, ψ coefficients, TTL); its root goes into every header.
    public var policy: Policy
    /// `policyRoots.algPolicy`. The devnet has no signature-algorithm policy, so it is the
    /// SHA3-256 of a fixed tag (docs/decisions/devnet-node.md).
    public var algPolicyRoot: [UInt8]
    /// Genesis time (ms). A constant, so every node derives the same genesis hash.
    public var genesisTimeMs: UInt64
    /// A block may be at most this far ahead of the validating node's clock.
    public var maxFutureDriftMs: UInt64
    /// A block's time must exceed the median of this many ancestors' times.
    public var medianTimeSpan: Int
    /// `K` of `tShare(Θ, K)`: expected shares per block.
    public var sharesPerBlock: Int64

    public init(chainId: UInt32 = 1337, theta0: Int64 = 2_000_000, retarget: EMARetarget = .devnet,
                policy: Policy = .devnet, algPolicyRoot: [UInt8] = ChainConfig.devnetAlgPolicyRoot,
                genesisTimeMs: UInt64 = 1_735_689_600_000, maxFutureDriftMs: UInt64 = 15_000,
                medianTimeSpan: Int = 11, sharesPerBlock: Int64 = 16) {
        self.chainId = chainId
        self.theta0 = theta0
        self.retarget = retarget
        self.policy = policy
        self.algPolicyRoot = algPolicyRoot
        self.genesisTimeMs = genesisTimeMs
        self.maxFutureDriftMs = maxFutureDriftMs
        self.medianTimeSpan = medianTimeSpan
        self.sharesPerBlock = sharesPerBlock
    }

    /// The devnet (spec §6 defaults, chainId 1337, devnet policy).
    public static let devnet = ChainConfig()

    /// SHA3-256("animica:alg-policy:devnet:v1").
    public static let devnetAlgPolicyRoot = SHA3_256.hash(Array("animica:alg-policy:devnet:v1".utf8))

    /// The 32 zero bytes of roots the devnet does not use (state, transactions, data availability).
    public static let zeroRoot = [UInt8](repeating: 0, count: 32)

    /// `params.gammaCap` (nats) and `params.escortQ` as the node writes them (informational; the
    /// policy root binds the exact integers).
    public var gammaCapNats: Double { Double(policy.gammaCapMicro) / 1e6 }
    public var escortQ: Double { Double(policy.escortQPpm) / 1e6 }

    /// The genesis block: height 0, no parent, mixSeed zero, Θ₀, no proofs, nonce zero. It is
    /// never validated against Θ; its hash anchors the chain.
    public var genesis: Block {
        let header = HeaderTemplate(
            chainId: chainId, height: 0, parentHash: Self.zeroRoot, stateRoot: Self.zeroRoot, txsRoot: Self.zeroRoot,
            proofsRoot: ProofsRoot.empty, daRoot: Self.zeroRoot,
            params: .init(thetaMicro: theta0, gammaCap: gammaCapNats, escortQ: escortQ),
            policyRoots: .init(poiesPolicy: policy.root, algPolicy: algPolicyRoot),
            nonceDomain: .init(mixSeed: MixSeed.genesis), time: genesisTimeMs, coinbase: "genesis",
            extra: .init(mempoolSnapshotId: "0", templateId: "genesis"))
        return Block(header: header, nonce: Nonce(), proofs: [])
    }
}
