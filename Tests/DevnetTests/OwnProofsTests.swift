@testable import Devnet
import Foundation
import MiningCore
import NIOCore
import NIOPosix
import Testing
import Verifiers

/// Miners' own proofs (spec v1.1 §9): a session submits proofs, the node verifies and holds them
/// for that session's jobs only, first come first held, parent-bound ones expiring with the head.
@Suite struct OwnProofsTests {
    static let a: UInt32 = 0x11
    static let b: UInt32 = 0x22

    /// A node without providers (its common jobs carry no proofs), started, with a job.
    static func node(theta0: Int64) async throws -> DevnetNode {
        let n = try DevnetNode(config: Fixtures.config(theta0: theta0), dataDir: Fixtures.tempDir("own"),
                               options: NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600), staleGrace: .seconds(600)))
        await n.start()
        return n
    }

    static func ai(_ node: DevnetNode, key: String, macs: UInt64 = 1 << 20) async throws -> ProofEnvelope {
        try #require(try await AIProofProvider(macs: macs, keyName: key).proofs(for: ProofParent(await node.head, chainId: node.config.chainId)).first)
    }

    /// `envelope` with `body[key]` replaced by `change(old)`.
    static func forged(_ envelope: ProofEnvelope, _ key: String, _ change: (JSONValue) -> JSONValue) -> JSONValue {
        guard case .object(var o) = envelope.json, case .object(var body)? = o["body"], let old = body[key] else { return .null }
        body[key] = change(old)
        o["body"] = .object(body)
        return .object(o)
    }

    static func flipHex(_ v: JSONValue) -> JSONValue {
        guard case .string(let s) = v else { return v }
        let last = s.last == "0" ? "1" : "0"
        return .string(String(s.dropLast()) + last)
    }

    @Test func heldForTheSessionOnlyFirstComeAndForgeriesRejectedWithTheVerifiersReason() async throws {
        let node = try await Self.node(theta0: 30_000_000)
        defer { Task { await node.stop() } }
        let theta = await node.expectedTheta
        let ai = try await Self.ai(node, key: "ai-A")

        let held = try await node.submitProof(ai.json, session: Self.a).get()
        #expect(held.type == .ai && held.nullifier == ai.nullifier && held.psiRawMicro > 900_000)

        // A's job carries A's proof and needs Θ − ψ; B's job (and the common one) do not.
        let jobA = try #require(await node.currentJob(session: Self.a))
        #expect(jobA.owner == Self.a)
        #expect(jobA.proofHints == [Hex.encode(ai.nullifier)])
        #expect(jobA.template.proofsRoot == Block.proofsRoot([ai]))
        #expect(jobA.blockTarget == theta - held.psiRawMicro, "ψ under the AI cap is credited whole")
        let jobB = try #require(await node.currentJob(session: Self.b))
        #expect(jobB.owner == nil && jobB.blockTarget == theta && jobB.template.proofsRoot == Block.proofsRoot([]))

        // B cannot mine A's job (it would carry A's proof): unknown job for B.
        let stolen = ShareSubmission(jobId: jobA.jobId, nonce: Nonce(extranonce1: Self.b, extranonce2: 0, counter: 1),
                                     tShareMicro: 0, worker: "b", source: .stratum)
        guard case .decided(.failure(.staleJob)) = node.judgeShare(stolen) else {
            Issue.record("B's share on A's job was not refused as unknown"); return
        }
        let own = ShareSubmission(jobId: jobA.jobId, nonce: Nonce(extranonce1: Self.a, extranonce2: 0, counter: 1),
                                  tShareMicro: 0, worker: "a", source: .stratum)
        guard case .decided(.success) = node.judgeShare(own) else { Issue.record("A's share on its own job was refused"); return }

        // First come, first held: B gets 22 for A's nullifier, and so does A re-sending it.
        #expect(await node.submitProof(ai.json, session: Self.b) == .failure(.duplicate))
        #expect(await node.submitProof(ai.json, session: Self.a) == .failure(.duplicate))

        // Forgeries: 27 with exactly the verifier's reason.
        let ctx = BlockValidator(config: node.config).verifierContext(
            ParentContext(parent: await node.head, recentTimes: []))
        let other = try await Self.ai(node, key: "ai-B")
        let forgeries: [(String, JSONValue)] = [
            ("signature", Self.forged(other, "signature", Self.flipHex)),
            ("trap answer", Self.forged(other, "trapAnswers") { v in
                guard case .array(var xs) = v, !xs.isEmpty else { return v }
                xs[0] = Self.flipHex(xs[0])
                return .array(xs)
            }),
            ("units", Self.forged(other, "units") { v in if case .int(let u) = v { return .int(u + 1) }; return v }),
        ]
        for (what, json) in forgeries {
            let env = try ProofEnvelope(json: json)
            guard case .failure(let expected) = Verifiers.verify(env, ctx) else { Issue.record("\(what): the verifier accepts it"); continue }
            let got = await node.submitProof(json, session: Self.b)
            guard case .failure(.rejected(let reason, _, _)) = got else { Issue.record("\(what): \(got)"); continue }
            #expect(reason == expected.code.rawValue, "\(what)")
            #expect(got.map { _ in 0 } == .failure(.rejected(reason: reason, field: expected.field, detail: expected.detail)))
        }
        // Cheap refusals before any verification.
        let share = HashShareProof.envelope(template: jobB.template, nonce: Nonce(counter: 1), chainId: node.config.chainId)
        guard case .failure(.rejected("type_not_allowed", _, _)) = await node.submitProof(share.json, session: Self.b) else {
            Issue.record("a hash share was taken as a proof"); return
        }
        guard case .failure(.rejected("missing_field", _, _)) = await node.submitProof(["type_id": "ai:v1"], session: Self.b) else {
            Issue.record("a body-less envelope was not refused by the schema"); return
        }
        let metrics = node.metrics.render()
        #expect(metrics.split(separator: "\n").contains { $0.hasPrefix("animica_node_proofs_rejected_total") && $0.contains("bad_signature") && $0.hasSuffix(" 1") },
                "\(metrics)")
        #expect(metrics.contains("animica_node_proofs_held{type=\"ai\"} 1"), "\(metrics)")
        #expect(metrics.contains("animica_node_proof_sessions 1"))

        // A's session ends: the nullifier is free, and B may hold it.
        await node.endSession(Self.a)
        #expect(await node.currentJob(session: Self.a)?.owner == nil)
        #expect(try await node.submitProof(ai.json, session: Self.b).get().nullifier == ai.nullifier)
        #expect(await node.currentJob(session: Self.b)?.owner == Self.b)
    }

    @Test(.timeLimit(.minutes(1))) func aSealedBlockCarriesTheSessionsSelectionAndParentBoundProofsExpire() async throws {
        let node = try await Self.node(theta0: 1_000_000)
        defer { Task { await node.stop() } }
        let events = await node.chainEvents()
        var it = events.makeAsyncIterator()
        let head0 = await node.head
        let vdf = Fixtures.vdf(parent: head0, chainId: node.config.chainId)
        let ai = try await Self.ai(node, key: "ai-A")
        _ = try await node.submitProof(vdf.json, session: Self.a).get()
        _ = try await node.submitProof(ai.json, session: Self.a).get()
        // maxProofs for the VDF is 1 per session.
        let vdf2 = Fixtures.vdf(parent: head0, T: 512, chainId: node.config.chainId)
        guard case .failure(.rejected("max_proofs", _, _)) = await node.submitProof(vdf2.json, session: Self.a) else {
            Issue.record("a second VDF was held beyond maxProofs"); return
        }
        let jobA = try #require(await node.currentJob(session: Self.a))
        #expect(Set(jobA.proofHints) == [Hex.encode(vdf.nullifier), Hex.encode(ai.nullifier)])

        // A seals on its own job: the block carries exactly that job's selection.
        let share = ShareSubmission(jobId: jobA.jobId, nonce: Nonce(extranonce1: Self.a, extranonce2: 0, counter: 0),
                                    tShareMicro: 0, worker: "a", source: .stratum)
        let sealed = await node.submitShare(share)
        #expect((try? sealed.get().isBlock) == true, "\(sealed)")
        let e = try #require(await it.next())
        #expect(Set(e.proofs.map(\.nullifier.bytes)) == [vdf.nullifier, ai.nullifier])
        #expect(e.extranonce1 == Self.a)
        let block = try #require(try node.block(hash: e.record.hash))
        #expect(block.proofs.map(\.nullifier) == jobA.proofHints.compactMap { try? Hex.decode($0, bytes: 32) })
        #expect(block.header.proofsRoot == jobA.template.proofsRoot)
        #expect(node.metrics.render().contains("animica_node_proofs_attached_total{source=\"session\",type=\"ai\"} 1")
                || node.metrics.render().contains("animica_node_proofs_attached_total{type=\"ai\",source=\"session\"} 1"))

        // chain_getBlockByNumber shows each attached proof's type, nullifier, raw and credited ψ.
        let rpc = DevnetRPC(node: node)
        let got = try await rpc.call(RPCRequest(id: 1, method: "chain_getBlockByNumber", params: [.int(Int64(e.record.height))]), session: nil).get()
        guard case .array(let details)? = got["proofDetails"] else { Issue.record("no proofDetails: \(got.canonical)"); return }
        let byNullifier = Dictionary(uniqueKeysWithValues: e.proofs.map { (Hex.encode($0.nullifier.bytes), $0) })
        #expect(details.count == 2)
        for d in details {
            guard case .string(let n)? = d["nullifier"], let p = byNullifier[n] else { Issue.record("detail \(d.canonical)"); continue }
            #expect(d["type"] == .string(p.type.wireId) && d["psiRawMicro"] == .int(p.psiAdjMicro) && d["psiCreditedMicro"] == .int(p.creditedMicro))
        }

        // New head: the VDF (parent-bound) and the used AI proof are gone; A mines the common job.
        #expect(await node.currentJob(session: Self.a)?.owner == nil)
        #expect(node.metrics.render().contains("animica_node_proof_sessions 0"))

        // An unused AI proof outlives a head another session sealed.
        let ai2 = try await Self.ai(node, key: "ai-A")
        _ = try await node.submitProof(ai2.json, session: Self.a).get()
        let common = try #require(await node.currentJob(session: Self.b))
        #expect(common.owner == nil)
        let bShare = ShareSubmission(jobId: common.jobId, nonce: Nonce(extranonce1: Self.b, extranonce2: 0, counter: 0),
                                     tShareMicro: 0, worker: "b", source: .stratum)
        let target = common.blockTarget
        var n = bShare.nonce
        while UDraw.draw(template: common.template, nonce: n).H < target { n.counter += 1 }
        var bs = bShare
        bs.nonce = n
        #expect((try? await node.submitShare(bs).get().isBlock) == true)
        let e2 = try #require(await it.next())
        #expect(e2.proofs.isEmpty && e2.extranonce1 == Self.b)
        let kept = try #require(await node.currentJob(session: Self.a))
        #expect(kept.owner == Self.a && kept.proofHints == [Hex.encode(ai2.nullifier)])
        #expect(kept.template.parentHash == e2.record.hash)
    }

    @Test func sessionBudgetBoundsVerificationTime() {
        // 2 s of verification at most, refilled at a quarter of a core.
        var book = SessionProofBook(budget: .init(capacity: 2, coreShare: 0.25))
        let t0 = ContinuousClock.now
        var taken = 0
        while book.hasBudget(Self.a, now: t0), taken < 10 {
            book.charge(Self.a, seconds: 0.9, now: t0)
            taken += 1
        }
        #expect(taken == 3, "three 0.9 s verifications fit under 2 s, the fourth is refused")
        let other = book.hasBudget(Self.b, now: t0)
        #expect(other, "budgets are per session")
        // 2.7 s spent: below 2 s again after (0.7 + ε) / 0.25 s.
        let early = book.hasBudget(Self.a, now: t0 + .seconds(2.7))
        let later = book.hasBudget(Self.a, now: t0 + .seconds(2.9))
        #expect(!early && later)
    }
}

/// The same over the wire: Stratum `mining.submit_proof` on real sockets, WebSocket
/// `miner_submitProof` through the session the `/ws` route drives.
@Suite struct OwnProofsTransportTests {
    static func server(_ node: DevnetNode) async throws -> StratumServer {
        try await StratumServer.bind(
            provider: node,
            configuration: .init(host: "127.0.0.1", port: 0, session: .init(initialTShareMicro: 1_000_000, targetSharesPerMinute: nil),
                                 handshakeTimeout: .seconds(600)),
            metrics: StratumMetrics(factory: node.metrics.factory))
    }

    /// The next job that satisfies `accept` (the test's time limit is the deadline: a helper
    /// racing a timer would cancel the stream's consumer, and a cancelled consumer ends an AsyncStream).
    static func next(_ jobs: inout AsyncStream<ExternalJob>.Iterator, _ accept: (ExternalJob) -> Bool) async -> ExternalJob? {
        while let j = await jobs.next() { if accept(j) { return j } }
        return nil
    }

    @Test(.timeLimit(.minutes(2))) func stratumSubmitProofHoldsRefusesAndClosesAFlood() async throws {
        let node = try await OwnProofsTests.node(theta0: 30_000_000)
        let server = try await Self.server(node)
        let port = server.localPort
        let ai = try await OwnProofsTests.ai(node, key: "ai-stratum-A")
        let forged = OwnProofsTests.forged(try await OwnProofsTests.ai(node, key: "ai-stratum-F"), "signature", OwnProofsTests.flipHex)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "a") { a in
                let suffix = "-" + StratumInbound.hex(UInt64(a.extranonce1), digits: 8)
                var jobs = a.jobs.makeAsyncIterator()
                let common = await Self.next(&jobs) { !$0.jobId.hasSuffix(suffix) }
                #expect(common != nil, "no common job")
                #expect(try await a.submitProof(ai.json) == .held(psiRawMicro: 1_000_488))
                // The session's next job is its own and carries the proof.
                let own = await Self.next(&jobs) { $0.jobId.hasSuffix(suffix) }
                #expect(own?.template.proofsRoot == Block.proofsRoot([ai]), "own job: \(String(describing: own?.jobId))")
                guard case .refused(27, let m) = try await a.submitProof(forged) else { Issue.record("forged proof held"); return }
                #expect(m.contains("bad_signature"), "\(m)")
                // An honest miner that keeps bringing proofs past maxProofs (its earlier ones wait
                // for a block) is told so and keeps its session: max_proofs is not invalid work.
                let head = await node.head
                guard case .held = try await a.submitProof(Fixtures.vdf(parent: head, chainId: node.config.chainId).json) else {
                    Issue.record("the session's first VDF was not held"); return
                }
                for i in 1...60 {
                    let extra = Fixtures.vdf(parent: head, T: 256 + UInt64(i), chainId: node.config.chainId)
                    guard case .refused(27, let m) = try await a.submitProof(extra.json), m.contains("max_proofs") else {
                        Issue.record("VDF \(i) past maxProofs was not refused with max_proofs"); return
                    }
                }

                try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "b") { b in
                    guard case .refused(22, _) = try await b.submitProof(ai.json) else { Issue.record("B held A's nullifier"); return }
                }
                // A flood of invalid proofs is closed within a second; A keeps its session.
                try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "f") { f in
                    let start = ContinuousClock.now
                    var answered = 0
                    do {
                        for _ in 0..<500 {
                            _ = try await f.submitProof(["type_id": "ai:v1", "body": [:], "nullifier": .string(Hex.encode([UInt8](repeating: 7, count: 32)))])
                            answered += 1
                        }
                        Issue.record("500 invalid proofs were answered without closing the session")
                    } catch {
                        // The rule, not the machine's speed: closed after the abuse score's 50
                        // judged-invalid minimum (0.1 s here on a quiet machine; the time goes
                        // in the note, not in an assertion that a loaded CI box would miss).
                        let took = ContinuousClock.now - start
                        print("own-proofs flood: closed after \(answered) invalid proofs in \(took)")
                        #expect(answered >= 50 && answered < 120, "\(answered) invalid proofs before the close (\(took))")
                    }
                }
                let another = try await OwnProofsTests.ai(node, key: "ai-stratum-A2")
                #expect(try await a.submitProof(another.json) == .held(psiRawMicro: 1_000_488), "A's session after the flood")
            }
            group.cancelAll()
        }
        let metrics = node.metrics.render()
        #expect(metrics.contains("animica_node_proofs_accepted_total{type=\"ai\"} 2"), "\(metrics)")
        await node.stop()
    }

    static func param0(_ v: JSONValue) -> JSONValue? {
        guard case .array(let a)? = v["params"] else { return nil }
        return a.first
    }

    @Test(.timeLimit(.minutes(1))) func webSocketSubmitProofGivesTheSessionItsOwnJobs() async throws {
        let node = try await OwnProofsTests.node(theta0: 30_000_000)
        let session = GetworkSession(rpc: DevnetRPC(node: node))
        func send(_ method: String, _ params: [JSONValue] = []) async -> JSONValue {
            GetworkSessionTests.parse(await session.handle(RPCTests.request(method, params)))
        }
        let ai = try await OwnProofsTests.ai(node, key: "ai-ws-A")
        #expect(await send("miner_submitProof", [ai.json])["error"]?["code"] == .int(25), "before subscribe")
        #expect(await send("miner_subscribe", ["newWork"])["result"] != nil)
        var pushes = session.pushes.makeAsyncIterator()
        let first = GetworkSessionTests.parse(try #require(await pushes.next()))
        #expect(Self.param0(first)?["proofsRoot"] == .string(Hex.encode(Block.proofsRoot([]))))
        let held = await send("miner_submitProof", [ai.json])
        #expect(held["result"] == ["nullifier": .string(Hex.encode(ai.nullifier)), "type": "ai:v1", "psiRawMicro": 1_000_488], "\(held.canonical)")
        let own = GetworkSessionTests.parse(try #require(await pushes.next()))
        #expect(Self.param0(own)?["proofsRoot"] == .string(Hex.encode(Block.proofsRoot([ai]))), "\(own.canonical)")
        let work = await send("miner_getWork")
        #expect(work["result"]?["proofsRoot"] == .string(Hex.encode(Block.proofsRoot([ai]))))
        let other = try await OwnProofsTests.ai(node, key: "ai-ws-F")
        let bad = await send("miner_submitProof", [OwnProofsTests.forged(other, "units") { v in if case .int(let u) = v { return .int(u + 1) }; return v }])
        #expect(bad["error"]?["code"] == .int(27) && bad["error"]?["data"]?["reason"] != nil, "\(bad.canonical)")
        // Past maxProofs the answer is 27 max_proofs, and the session is not closed for it.
        let head = await node.head
        _ = await send("miner_submitProof", [Fixtures.vdf(parent: head, chainId: node.config.chainId).json])
        for i in 1...60 {
            let r = await send("miner_submitProof", [Fixtures.vdf(parent: head, T: 256 + UInt64(i), chainId: node.config.chainId).json])
            #expect(r["error"]?["data"]?["reason"] == "max_proofs", "\(r.canonical)")
        }
        #expect(!session.shouldClose, "60 max_proofs refusals closed an honest session")
        session.close()
        await node.stop()
    }
}
