import Foundation
import MiningCore
import Verifiers

/// What validating a block needs to know about the chain below it — plain values, so the
/// validator runs without a store (tests build one in a few lines).
public struct ParentContext: Sendable {
    public var parent: BlockRecord
    /// Times (ms) of the last ancestors, the parent last; at most `medianTimeSpan` are used.
    public var recentTimes: [UInt64]
    /// Whether a nullifier was recorded on this branch within `nullifierTTL` blocks of the new
    /// block's height.
    public var isNullifierSeen: @Sendable (Nullifier) -> Bool

    public init(parent: BlockRecord, recentTimes: [UInt64],
                isNullifierSeen: @escaping @Sendable (Nullifier) -> Bool = { _ in false }) {
        self.parent = parent
        self.recentTimes = recentTimes
        self.isNullifierSeen = isNullifierSeen
    }
}

/// One attached proof after verification and credit.
public struct CreditedProof: Sendable, Equatable {
    public var type: ProofType
    public var nullifier: Nullifier
    public var psiAdjMicro: Int64
    public var creditedMicro: Int64
}

/// A block that passed every check, with the record the chain stores for it.
public struct ValidatedBlock: Sendable, Equatable {
    public var block: Block
    public var record: BlockRecord
    public var proofs: [CreditedProof]
}

/// Full consensus validation of one block against its parent (spec §2, §3, §5, §6, §8). Pure:
/// the clock is the `nowMs` argument, the chain is the ``ParentContext``.
public struct BlockValidator: Sendable {
    public var config: ChainConfig

    public init(config: ChainConfig) { self.config = config }

    /// The expected header values a child of `parent` carries, besides proofs, time and coinbase.
    public func expectedMixSeed(parent: BlockRecord) -> [UInt8] {
        MixSeed.derive(parentMixSeed: parent.mixSeed, parentHash: parent.hash, height: parent.height + 1)
    }

    /// The smallest time (ms) a child of the context may carry: one past the median.
    public func minimumTime(_ ctx: ParentContext) -> UInt64 { Self.median(Array(ctx.recentTimes.suffix(config.medianTimeSpan))) + 1 }

    /// Median of `times` (the lower middle for an even count; 0 for none).
    public static func median(_ times: [UInt64]) -> UInt64 {
        guard !times.isEmpty else { return 0 }
        let s = times.sorted()
        return s[(s.count - 1) / 2]
    }

    /// The retarget state after a block at `time` on `parent`, by the chain document's rule.
    /// Block 1's interval to the fixed genesis time is not a sample (spec §6.2: `Θ(2) = Θ(1)`; a
    /// document written today has its genesis in the past), so the first block does not retarget.
    public func retargetState(after parent: BlockRecord, time: UInt64) -> AnyRetargetRule.State {
        guard parent.height > 0 else { return parent.retarget }
        // Header times are below 2^63 ms (validated against the clock), so the difference is exact.
        let dtMs = Int64(bitPattern: time &- parent.time)
        return config.retarget.next(parent.retarget, RetargetSample(dtMs: dtMs))
    }

    /// The verifier context for proofs of a child of `parent`; hash shares may name the
    /// `shareTemplates` only (the block's own, checked by ``checkShareTemplates(_:_:)``).
    public func verifierContext(_ ctx: ParentContext, shareTemplates: [HeaderTemplate] = []) -> VerifierContext {
        let templates = Dictionary(shareTemplates.map { ($0.extra.templateId, Block.templateJSON($0)) }, uniquingKeysWith: { a, _ in a })
        var v = VerifierContext(policy: config.policy, chainId: config.chainId, parentHash: ctx.parent.hash,
                                sharesPerBlock: UInt64(max(1, config.sharesPerBlock)), templateLookup: { templates[$0] })
        // Mining-bonus VDFs must be bound to the parent (spec §8: seed = parentHash).
        v.vdfRequireParentSeed = true
        v.storageEpoch = ctx.parent.height + 1
        return v
    }

    /// Verifies `envelopes` and computes their credit (§4, §5), checking `maxProofs`, duplicate and
    /// TTL nullifiers. Shared by the validator and the node's template builder. Hash shares are
    /// verified against `shareTemplates`.
    public func credit(_ envelopes: [ProofEnvelope], _ ctx: ParentContext,
                       shareTemplates: [HeaderTemplate] = []) -> Result<[CreditedProof], BlockRejection> {
        let vctx = verifierContext(ctx, shareTemplates: shareTemplates)
        var counts: [ProofType: Int] = [:]
        for p in envelopes { counts[p.type, default: 0] += 1 }
        for t in ProofType.allCases {
            let c = counts[t] ?? 0
            if Int64(c) > config.policy[t].maxProofs { return .failure(.tooManyProofs(type: t, count: c, max: config.policy[t].maxProofs)) }
        }
        var nullifiers: [Nullifier] = []
        var adj: [Int64] = []
        for (i, p) in envelopes.enumerated() {
            switch Verifiers.verify(p, vctx) {
            case .failure(let r): return .failure(.badProof(index: i, r))
            case .success(let v):
                // verify() re-checks that the nullifier is 32 bytes and matches the envelope.
                nullifiers.append(try! Nullifier(bytes: v.nullifier))
                adj.append(Psi.adjustedMicro(v.metrics, policy: config.policy))
            }
        }
        var firstIndex: [Nullifier: Int] = [:]
        for (i, n) in nullifiers.enumerated() {
            if let j = firstIndex[n] { return .failure(.replayedNullifier(.duplicateInBlock(n, first: j, second: i))) }
            firstIndex[n] = i
            if ctx.isNullifierSeen(n) { return .failure(.replayedNullifier(.seenWithinTTL(n, index: i))) }
        }
        let result = Credit.compute(zip(envelopes, zip(adj, nullifiers)).map {
            CreditProof(type: $0.0.type, psiAdjMicro: $0.1.0, nullifier: $0.1.1.bytes)
        }, caps: config.policy.caps)
        return .success(envelopes.indices.map {
            CreditedProof(type: envelopes[$0].type, nullifier: nullifiers[$0], psiAdjMicro: adj[$0],
                          creditedMicro: result.credited[$0])
        })
    }

    /// Validates `block` as a child of `ctx.parent` at wall-clock time `nowMs`.
    public func validate(_ block: Block, _ ctx: ParentContext, nowMs: UInt64) -> Result<ValidatedBlock, BlockRejection> {
        let h = block.header
        let parent = ctx.parent
        func bad(_ f: String, _ e: String) -> Result<ValidatedBlock, BlockRejection> { .failure(.badField(field: f, expected: e)) }

        // Template fields (sign-bytes inputs).
        guard h.parentHash == parent.hash else { return .failure(.unknownParent(parentHash: Hex.encode(h.parentHash))) }
        if let r = checkFields(h, parent: parent, at: "") { return .failure(r) }
        let mix = expectedMixSeed(parent: parent)
        guard h.proofsRoot == Block.proofsRoot(block.proofs) else {
            return bad("proofsRoot", "\(Hex.encode(Block.proofsRoot(block.proofs))) over the attached proofs")
        }
        if let r = checkShareTemplates(block, parent) { return .failure(r) }

        // Time.
        let minTime = minimumTime(ctx)
        guard h.time >= minTime else { return .failure(.timeTooOld(time: h.time, median: minTime - 1)) }
        let limit = nowMs &+ config.maxFutureDriftMs
        guard h.time <= limit else { return .failure(.timeTooNew(time: h.time, limit: limit)) }

        // Θ.
        guard h.params.thetaMicro == parent.nextTheta else {
            return .failure(.wrongTheta(got: h.params.thetaMicro, expected: parent.nextTheta))
        }

        // Proofs and credit.
        let credited: [CreditedProof]
        switch credit(block.proofs, ctx, shareTemplates: block.shareTemplates) {
        case .failure(let r): return .failure(r)
        case .success(let c): credited = c
        }
        let psi = credited.reduce(Int64(0)) { $0 + $1.creditedMicro }

        // The u-draw and S ≥ Θ.
        let draw = block.draw
        guard draw.H + psi >= h.params.thetaMicro else {
            return .failure(.insufficientScore(h: draw.H, psi: psi, theta: h.params.thetaMicro))
        }
        let record = BlockRecord(
            hash: draw.blockHash, height: h.height, parentHash: h.parentHash, time: h.time, mixSeed: mix,
            thetaMicro: h.params.thetaMicro, retarget: retargetState(after: parent, time: h.time), h: draw.H,
            psiMicro: psi, cumulativeScore: parent.cumulativeScore &+ draw.H &+ psi, proofTypes: block.proofs.map(\.type))
        return .success(ValidatedBlock(block: block, record: record, proofs: credited))
    }

    /// The sign-bytes fields a child of `parent` must carry, besides `parentHash`, `proofsRoot`
    /// and time: shared by the header and the templates of its hash shares. `prefix` names the
    /// template in the rejection (`""` for the header).
    func checkFields(_ h: HeaderTemplate, parent: BlockRecord, at prefix: String) -> BlockRejection? {
        func bad(_ f: String, _ e: String) -> BlockRejection { .badField(field: prefix + f, expected: e) }
        guard h.chainId == config.chainId else { return bad("chainId", "\(config.chainId)") }
        guard h.height == parent.height + 1 else { return bad("height", "\(parent.height + 1) (parent height + 1)") }
        let zero = ChainConfig.zeroRoot
        guard h.stateRoot == zero else { return bad("stateRoot", "32 zero bytes (the devnet has no state)") }
        guard h.txsRoot == zero else { return bad("txsRoot", "32 zero bytes (the devnet has no transactions)") }
        guard h.daRoot == zero else { return bad("daRoot", "32 zero bytes (the devnet has no DA layer)") }
        guard h.policyRoots.poiesPolicy == config.policy.root else { return bad("policyRoots.poiesPolicy", Hex.encode(config.policy.root)) }
        guard h.policyRoots.algPolicy == config.algPolicyRoot else { return bad("policyRoots.algPolicy", Hex.encode(config.algPolicyRoot)) }
        guard h.params.gammaCap == config.gammaCapNats else { return bad("params.gammaCap", "\(config.gammaCapNats)") }
        guard h.params.escortQ == config.escortQ else { return bad("params.escortQ", "\(config.escortQ)") }
        let mix = expectedMixSeed(parent: parent)
        guard h.nonceDomain.mixSeed == mix else { return bad("nonceDomain.mixSeed", Hex.encode(mix)) }
        guard h.coinbase.utf8.count <= 256 else { return bad("coinbase", "at most 256 bytes") }
        guard h.extra.templateId.utf8.count <= 128, h.extra.mempoolSnapshotId.utf8.count <= 128 else {
            return bad("extra", "ids of at most 128 bytes")
        }
        return nil
    }

    /// The templates of a block's hash shares (docs/decisions/devnet-own-proofs.md): each is a
    /// template for the same parent — the fields of ``checkFields(_:parent:at:)``, the block's
    /// parent and Θ, so a share is work on this height at this difficulty — with a distinct
    /// `templateId` that some attached hash share names, and there are no more of them than
    /// hash shares.
    func checkShareTemplates(_ block: Block, _ parent: BlockRecord) -> BlockRejection? {
        let named = Set(block.proofs.compactMap { p -> String? in
            guard p.type == .hashShare, case .string(let id)? = p.body["templateId"] else { return nil }
            return id
        })
        var seen: Set<String> = []
        for (i, t) in block.shareTemplates.enumerated() {
            let at = "shareTemplates[\(i)]."
            guard t.parentHash == parent.hash else { return .badField(field: at + "parentHash", expected: "the block's parent \(Hex.encode(parent.hash))") }
            if let r = checkFields(t, parent: parent, at: at) { return r }
            guard t.params.thetaMicro == parent.nextTheta else { return .badField(field: at + "params.thetaMicro", expected: "\(parent.nextTheta) (the block's Θ)") }
            guard seen.insert(t.extra.templateId).inserted else { return .badField(field: at + "extra.templateId", expected: "a templateId no other share template has") }
            guard named.contains(t.extra.templateId) else { return .badField(field: at + "extra.templateId", expected: "the templateId of an attached hashshare:v1 proof") }
        }
        return nil
    }
}
