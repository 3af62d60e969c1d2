import MiningCore

/// Everything that fixes a devnet chain: its chain document (identity, genesis, Θ₀ and bounds,
/// the retarget rule, spec v1.1 §6.3) with the policy it names, plus the node-local timing rules
/// blocks must follow. Two nodes with equal configs agree on every block.
public struct ChainConfig: Sendable {
    /// The chain document; its root is `policyRoots.algPolicy` of every header.
    public let document: ChainDocument
    /// The PoIES policy the document names (caps, ψ coefficients, TTL); its root goes into every header.
    public let policy: Policy
    /// A block may be at most this far ahead of the validating node's clock.
    public var maxFutureDriftMs: UInt64
    /// A block's time must exceed the median of this many ancestors' times.
    public var medianTimeSpan: Int
    /// `K` of `tShare(Θ, K)`: expected shares per block.
    public var sharesPerBlock: Int64

    public init(spec: ChainSpec = .devnet, maxFutureDriftMs: UInt64 = 15_000, medianTimeSpan: Int = 11,
                sharesPerBlock: Int64 = 16) {
        self.document = spec.document
        self.policy = spec.policy
        self.maxFutureDriftMs = maxFutureDriftMs
        self.medianTimeSpan = medianTimeSpan
        self.sharesPerBlock = sharesPerBlock
    }

    /// The v1.1 devnet (`devnet-chain.toml`: chainId 1337, 2 s, `asert-v1`, devnet policy).
    public static let devnet = ChainConfig()

    /// `u32(chainId)` in the sign-bytes and every nullifier.
    public var chainId: UInt32 { document.chainId }
    /// Θ₀ as the document writes it (the rule's initial state clamps it for `asert-v1`).
    public var theta0: Int64 { document.thetaMicro0 }
    /// The consensus retarget rule the document names (`asert-v1` or `ema-v1`).
    public var retarget: AnyRetargetRule { document.rule }
    /// `policyRoots.algPolicy` = the chain document's root.
    public var algPolicyRoot: [UInt8] { document.root }
    /// Genesis time (ms). A constant, so every node derives the same genesis hash.
    public var genesisTimeMs: UInt64 { document.genesisTimeMs }

    /// The 32 zero bytes of roots the devnet does not use (state, transactions, data availability).
    public static let zeroRoot = [UInt8](repeating: 0, count: 32)

    /// `params.gammaCap` (nats) and `params.escortQ` as the node writes them (informational; the
    /// policy root binds the exact integers).
    public var gammaCapNats: Double { Double(policy.gammaCapMicro) / 1e6 }
    public var escortQ: Double { Double(policy.escortQPpm) / 1e6 }

    /// Θ of block 1: the rule's initial state for Θ₀ (clamped into the bounds by `asert-v1`).
    public var theta1: Int64 { retarget.theta(of: retarget.initialState(theta0: theta0)) }

    /// The genesis block: height 0, no parent, mixSeed zero, Θ of block 1, no proofs, nonce zero.
    /// It is never validated against Θ; its hash anchors the chain (and, through `algPolicy`,
    /// binds the chain document).
    public var genesis: Block {
        let header = HeaderTemplate(
            chainId: chainId, height: 0, parentHash: Self.zeroRoot, stateRoot: Self.zeroRoot, txsRoot: Self.zeroRoot,
            proofsRoot: ProofsRoot.empty, daRoot: Self.zeroRoot,
            params: .init(thetaMicro: theta1, gammaCap: gammaCapNats, escortQ: escortQ),
            policyRoots: .init(poiesPolicy: policy.root, algPolicy: algPolicyRoot),
            nonceDomain: .init(mixSeed: MixSeed.genesis), time: genesisTimeMs, coinbase: "genesis",
            extra: .init(mempoolSnapshotId: "0", templateId: "genesis"))
        return Block(header: header, nonce: Nonce(), proofs: [])
    }

    /// The retarget state stored with a block: Θ and, for `ema-v1`, the EMA (0 for `asert-v1`,
    /// whose state is Θ alone).
    public func storedRetarget(_ s: AnyRetargetRule.State) -> (theta: Int64, ema: Double) {
        switch s {
        case .ema(let e): return (e.theta, e.ema)
        default: return (s.theta, 0)
        }
    }

    /// The inverse of ``storedRetarget(_:)`` for this chain's rule.
    public func retargetState(theta: Int64, ema: Double) -> AnyRetargetRule.State {
        switch retarget {
        case .ema: return .ema(.init(theta: theta, ema: ema))
        case .asert: return .asert(theta)
        case .window: return .window(.init(theta: theta))
        case .fixed: return .fixed(theta)
        }
    }
}
