@testable import Devnet
import Foundation
import MiningCore
import Synchronization
import Testing
import Verifiers

/// The external miner's `ProofFeeder` with a selection overlay: it skips proofs the overlay has no
/// room for, and learns that its own block used its proofs from the next job's parent (Stratum's
/// submit reply does not say a share was a block).
@Suite struct ProofFeederOverlayTests {
    /// Hands out one list of envelopes per call (then none).
    final class ScriptedProvider: ProofProvider, Sendable {
        let type = ProofType.ai
        private let script: Mutex<[[ProofEnvelope]]>
        init(_ script: [[ProofEnvelope]]) { self.script = Mutex(script) }
        func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
            script.withLock { $0.isEmpty ? [] : $0.removeFirst() }
        }
    }

    /// Events seen so far.
    final class Events: Sendable {
        let list = Mutex<[ExternalMiner.Event]>([])
        func add(_ e: ExternalMiner.Event) { list.withLock { $0.append(e) } }
        /// Waits (at most 60 s) until `count` proof events (held or skipped) arrived.
        func waitForProofEvents(_ count: Int) async throws -> [ExternalMiner.Event] {
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                let l = list.withLock { $0 }.filter {
                    switch $0 { case .proof, .proofSkipped: return true; default: return false }
                }
                if l.count >= count { return l }
                try await Task.sleep(for: .milliseconds(5))
            }
            Issue.record("timed out waiting for \(count) proof events")
            return []
        }
    }

    static func child(of template: HeaderTemplate, parentHash: [UInt8]) -> HeaderTemplate {
        var t = template
        t.parentHash = parentHash
        t.height += 1
        return t
    }

    static func blockHash(_ job: ExternalJob, _ nonce: Nonce) -> [UInt8] {
        SHA3_256.hash(UDraw.preimage(signBytes: job.template.signBytes, nonce: nonce, mixSeed: job.template.nonceDomain.mixSeed))
    }

    @Test(.timeLimit(.minutes(2))) func skipsWhatTheOverlayHasNoRoomForUntilItsOwnBlockUsedTheProofs() async throws {
        let node = try await OwnProofsTests.node(theta0: 30_000_000)
        defer { Task { await node.stop() } }
        var e: [ProofEnvelope] = []
        for i in 1...3 { e.append(try await OwnProofsTests.ai(node, key: "ai-feeder-\(i)")) }
        let template = try #require(await node.currentJob(session: 1)).template
        let e1: UInt32 = 0x33
        let caps = try SelectionOverlay(toml: "[types.AI]\nperTypeCap = 2000000\n").apply(to: node.config.policy)
        let events = Events()
        let submitted = Mutex<[[UInt8]]>([])
        let feeder = ProofFeeder(providers: [ScriptedProvider([[e[0], e[1], e[2]], [e[2]], [e[2]]])], caps: caps,
                                 submit: { json in
                                     let env = try ProofEnvelope(json: json)
                                     submitted.withLock { $0.append(env.nullifier) }
                                     return .held(psiRawMicro: 1_000_488)
                                 }, onEvent: { events.add($0) })

        // Parent 1: two proofs of 1.0005 nats fill the 2-nat AI cap, the third is skipped.
        feeder.saw(template)
        var seen = try await events.waitForProofEvents(3)
        #expect(submitted.withLock { $0 } == [e[0].nullifier, e[1].nullifier])
        guard case .proofSkipped(.ai, let skipped, let reason)? = seen.last else { Issue.record("no skip: \(seen)"); return }
        #expect(skipped == e[2].nullifier)
        #expect(reason.contains("type cap") && reason.contains("2000976 of 2000000"), "\(reason)")

        // A share on a common job (type hints) names no proofs of the session: its block, if it
        // were one, frees nothing, so the third proof is skipped again at the next parent.
        let common = ExternalJob(jobId: "r-1", template: template, tShareMicro: 0, cleanJobs: false, extranonce1: e1, proofHints: ["ai"])
        let commonNonce = Nonce(extranonce1: e1, extranonce2: 0, counter: 1)
        feeder.submitting(common, nonce: commonNonce)
        let parent2 = Self.child(of: template, parentHash: Self.blockHash(common, commonNonce))
        feeder.saw(parent2)
        seen = try await events.waitForProofEvents(4)
        guard case .proofSkipped(.ai, e[2].nullifier, _)? = seen.last else { Issue.record("not skipped again: \(seen)"); return }
        #expect(feeder.ledger?.entries.count == 2)

        // A share on the session's own job that carries proofs 1 and 2: when its block becomes
        // the parent, they are gone from the node, and the third proof is submitted.
        let own = ExternalJob(jobId: "r-2-00000033", template: parent2, tShareMicro: 0, cleanJobs: false, extranonce1: e1,
                              proofHints: [Hex.encode(e[0].nullifier), Hex.encode(e[1].nullifier)])
        let ownNonce = Nonce(extranonce1: e1, extranonce2: 0, counter: 2)
        feeder.submitting(own, nonce: ownNonce)
        feeder.saw(Self.child(of: parent2, parentHash: Self.blockHash(own, ownNonce)))
        seen = try await events.waitForProofEvents(5)
        guard case .proof(.ai, e[2].nullifier, .held(_))? = seen.last else { Issue.record("third proof not submitted: \(seen)"); return }
        #expect(submitted.withLock { $0 }.last == e[2].nullifier)
        #expect(feeder.ledger.map { Array($0.entries.keys) } == [e[2].nullifier])
        await feeder.stop()
    }
}

