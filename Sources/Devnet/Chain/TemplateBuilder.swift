import MiningCore
import Verifiers

/// Builds the header template of a child of a parent (spec §2): the node's jobs and the tests
/// use the same function, so what the node issues is exactly what the validator expects.
public enum TemplateBuilder {
    /// The template for a child of `ctx.parent` carrying `proofs`, at `time` (raised to the
    /// median-time minimum if needed).
    public static func header(config: ChainConfig, ctx: ParentContext, proofs: [ProofEnvelope], time: UInt64,
                              coinbase: String, templateId: String) -> HeaderTemplate {
        let parent = ctx.parent
        let v = BlockValidator(config: config)
        return HeaderTemplate(
            chainId: config.chainId, height: parent.height + 1, parentHash: parent.hash,
            stateRoot: ChainConfig.zeroRoot, txsRoot: ChainConfig.zeroRoot, proofsRoot: Block.proofsRoot(proofs),
            daRoot: ChainConfig.zeroRoot,
            params: .init(thetaMicro: parent.nextTheta, gammaCap: config.gammaCapNats, escortQ: config.escortQ),
            policyRoots: .init(poiesPolicy: config.policy.root, algPolicy: config.algPolicyRoot),
            nonceDomain: .init(mixSeed: v.expectedMixSeed(parent: parent)),
            time: max(time, v.minimumTime(ctx)), coinbase: coinbase,
            extra: .init(mempoolSnapshotId: "0", templateId: templateId))
    }
}
