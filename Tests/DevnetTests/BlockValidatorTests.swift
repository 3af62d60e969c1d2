import Devnet
import Foundation
import MiningCore
import Testing
import Verifiers

/// Consensus validation as a pure function: a mined block passes, each tampering fails with its
/// own reason.
@Suite struct BlockValidatorTests {
    let config = Fixtures.config()
    var validator: BlockValidator { BlockValidator(config: config) }

    @Test func acceptsAMinedBlockWithACreditedVDF() throws {
        let ctx = Fixtures.genesisContext(config)
        let block = Fixtures.mine(config, ctx, proofs: [Fixtures.vdf(parent: ctx.parent)])
        let v = try validator.validate(block, ctx, nowMs: Fixtures.now).get()
        #expect(v.record.height == 1)
        #expect(v.record.hash == block.hash)
        #expect(v.proofs.count == 1 && v.proofs[0].type == .vdf)
        #expect(v.record.psiMicro > 0)
        #expect(v.record.h + v.record.psiMicro >= config.theta0)
        #expect(v.record.cumulativeScore == v.record.h + v.record.psiMicro)
    }

    @Test func rejectsAWrongTheta() {
        let ctx = Fixtures.genesisContext(config)
        var block = Fixtures.mine(config, ctx, proofs: [])
        block.header.params.thetaMicro -= 1
        guard case .failure(.wrongTheta(let got, let expected)) = validator.validate(block, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected wrongTheta"); return
        }
        #expect(got == config.theta0 - 1 && expected == config.theta0)
    }

    @Test func rejectsTimesAtTheMedianAndTooFarAhead() {
        let ctx = Fixtures.genesisContext(config)
        var old = Fixtures.mine(config, ctx, proofs: [])
        old.header.time = ctx.parent.time  // equal to the median of [genesis]
        guard case .failure(.timeTooOld) = validator.validate(old, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected timeTooOld"); return
        }
        let future = Fixtures.mine(config, ctx, proofs: [], time: Fixtures.now + 15_001)
        guard case .failure(.timeTooNew) = validator.validate(future, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected timeTooNew"); return
        }
        // Exactly 15 s ahead is still fine.
        let edge = Fixtures.mine(config, ctx, proofs: [], time: Fixtures.now + 15_000)
        #expect((try? validator.validate(edge, ctx, nowMs: Fixtures.now).get()) != nil)
    }

    @Test func rejectsANullifierSeenWithinTheTTL() {
        var ctx = Fixtures.genesisContext(config)
        let proof = Fixtures.vdf(parent: ctx.parent)
        let n = try! Nullifier(bytes: proof.nullifier)
        ctx.isNullifierSeen = { $0 == n }
        let block = Fixtures.mine(config, Fixtures.genesisContext(config), proofs: [proof])
        guard case .failure(.replayedNullifier(.seenWithinTTL(let seen, 0))) = validator.validate(block, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected replayedNullifier"); return
        }
        #expect(seen == n)
    }

    @Test func rejectsAReplayedAIProofOnTheNextBlockThroughTheChainIndex() throws {
        var index = ChainIndex(config: config)
        let ctx1 = try #require(index.parentContext(index.head.hash))
        let ai = AIProofProvider().provider.prove(jobSeed: SHA3_256.hash([1]), trapSeed: SHA3_256.hash([2]), chainId: config.chainId)
        let b1 = Fixtures.mine(config, ctx1, proofs: [ai])
        let v1 = try validator.validate(b1, ctx1, nowMs: Fixtures.now).get()
        #expect(v1.record.psiMicro > 0)
        index.add(v1.record, nullifiers: v1.proofs.map(\.nullifier))
        let ctx2 = try #require(index.parentContext(v1.record.hash))
        let b2 = Fixtures.mine(config, ctx2, proofs: [ai])
        guard case .failure(.replayedNullifier(.seenWithinTTL)) = validator.validate(b2, ctx2, nowMs: Fixtures.now) else {
            Issue.record("expected the replayed AI nullifier to be refused"); return
        }
    }

    @Test func rejectsOverCreditFromTooManyVDFProofs() {
        let ctx = Fixtures.genesisContext(config)
        let proofs = [Fixtures.vdf(parent: ctx.parent, T: 256), Fixtures.vdf(parent: ctx.parent, T: 300)]
        let block = Fixtures.mine(config, ctx, proofs: [])
        var over = block
        over.proofs = proofs
        over.header.proofsRoot = Block.proofsRoot(proofs)
        guard case .failure(.tooManyProofs(.vdf, 2, 1)) = validator.validate(over, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected tooManyProofs"); return
        }
    }

    @Test func rejectsABadUDrawAndAProofsRootThatDoesNotMatch() {
        let ctx = Fixtures.genesisContext(config)
        var block = Fixtures.mine(config, ctx, proofs: [])
        block.nonce = Fixtures.nonce(for: block.header) { $0 < config.theta0 }
        guard case .failure(.insufficientScore(let h, 0, let theta)) = validator.validate(block, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected insufficientScore"); return
        }
        #expect(h < theta)
        var rooted = Fixtures.mine(config, ctx, proofs: [])
        rooted.proofs = [Fixtures.vdf(parent: ctx.parent)]
        guard case .failure(.badField("proofsRoot", _)) = validator.validate(rooted, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected badField(proofsRoot)"); return
        }
    }

    @Test func rejectsAForeignMixSeedAndAVDFBoundToAnotherParent() {
        let ctx = Fixtures.genesisContext(config)
        var block = Fixtures.mine(config, ctx, proofs: [])
        block.header.nonceDomain.mixSeed = [UInt8](repeating: 7, count: 32)
        guard case .failure(.badField("nonceDomain.mixSeed", _)) = validator.validate(block, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected badField(mixSeed)"); return
        }
        var other = ctx.parent
        other.hash = [UInt8](repeating: 9, count: 32)
        let foreign = Fixtures.mine(config, ctx, proofs: [Fixtures.vdf(parent: other)])
        guard case .failure(.badProof(0, _)) = validator.validate(foreign, ctx, nowMs: Fixtures.now) else {
            Issue.record("expected a VDF bound to another parent to fail"); return
        }
    }

    @Test func forkChoicePrefersScoreThenHeightThenSmallerHash() {
        let g = BlockRecord.genesis(config)
        var a = g, b = g
        a.cumulativeScore = 10; b.cumulativeScore = 9
        #expect(ForkChoice.prefers(a, over: b))
        b.cumulativeScore = 10; b.height = 1
        #expect(ForkChoice.prefers(b, over: a))
        a.height = 1
        a.hash = [UInt8](repeating: 1, count: 32); b.hash = [UInt8](repeating: 2, count: 32)
        #expect(ForkChoice.prefers(a, over: b) && !ForkChoice.prefers(b, over: a))
    }
}
