import Foundation
import MiningCore
import Verifiers

/// The JSON-RPC methods of the node (HTTP `/rpc` and, for the miner methods, WebSocket `/ws`).
///
/// Every input is checked before use and answered with a spec §9 error; nothing a client sends
/// can trap the server.
public struct DevnetRPC: Sendable {
    public let node: DevnetNode
    /// Per-address caps, offences and bans of the WebSocket endpoint; `simctl mine` passes the
    /// Stratum server's registry, so an address has one record across transports.
    public let peers: PeerRegistry

    public init(node: DevnetNode, peers: PeerRegistry = PeerRegistry()) {
        self.node = node
        self.peers = peers
    }

    /// Method names served over HTTP.
    public static let methods = ["chain_getHead", "chain_getBlockByNumber", "chain_getBlockByHash", "chain_getParams",
                                 "miner_getWork", "miner_submitShare", "miner_submitBlock"]

    /// Parses and answers one request document (HTTP).
    /// The reply to one request document; `nil` for a notification (no reply, JSON-RPC 2.0
    /// §4.1). A document that does not parse is answered even without an id: the client
    /// cannot have meant a notification it could not write.
    public func handle(_ data: Data) async -> JSONValue? {
        switch RPCRequest.parse(data) {
        case .failure(let e): return RPCResponse.error(e.id, e.error)
        case .success(let req):
            let result = await call(req, session: nil)
            if req.isNotification { return nil }
            switch result {
            case .success(let r): return RPCResponse.result(req.id, r)
            case .failure(let e): return RPCResponse.error(req.id, e)
            }
        }
    }

    /// Runs one method. `session` is the WebSocket session (extranonce1, tShare), nil over HTTP.
    public func call(_ req: RPCRequest, session: GetworkSession.State?) async -> Result<JSONValue, RPCError> {
        let p = req.params
        switch req.method {
        case "chain_getHead":
            guard p.isEmpty else { return .failure(.invalidParams("chain_getHead takes no params")) }
            return .success(Self.summary(await node.head))
        case "chain_getBlockByNumber":
            guard p.count == 1, let n = Self.height(p[0]) else {
                return .failure(.invalidParams("expected [number] (a non-negative integer or 0x-hex quantity)"))
            }
            guard let r = await node.record(atHeight: n) else { return .success(.null) }
            return await full(r)
        case "chain_getBlockByHash":
            guard p.count == 1, case .string(let s) = p[0], let h = try? Hex.decode(s, bytes: 32) else {
                return .failure(.invalidParams("expected [hash] (0x + 64 hex digits)"))
            }
            guard let r = await node.record(hash: h) else { return .success(.null) }
            return await full(r)
        case "chain_getParams":
            guard p.isEmpty else { return .failure(.invalidParams("chain_getParams takes no params")) }
            return .success(await params())
        case "miner_getWork":
            guard p.isEmpty else { return .failure(.invalidParams("miner_getWork takes no params")) }
            let current: MiningJob?
            if let e1 = await session?.extranonce1 { current = await node.currentJob(session: e1) } else { current = await node.currentJob() }
            guard let job = current else { return .failure(RPCError(20, "no work yet (the node is preparing a template)")) }
            let t = await session?.tShareMicro ?? job.defaultShareTarget(sharesPerBlock: node.config.sharesPerBlock)
            return .success(Self.work(job, tShareMicro: t))
        case "miner_submitShare":
            guard p.count == 1 else { return .failure(.invalidParams("expected [envelope] (a hashshare:v1 envelope)")) }
            return await submitShare(p[0], session: session)
        case "miner_submitBlock":
            guard p.count == 1 else { return .failure(.invalidParams("expected [block]")) }
            let block: Block
            do { block = try Block(json: p[0]) } catch { return .failure(.invalidParams("block.\(error)")) }
            switch await node.submitBlock(block) {
            case .success(let r):
                let head = await node.head
                return .success(["accepted": true, "hash": .string(Hex.encode(r.hash)), "number": .int(Int64(r.height)),
                                 "isHead": .bool(head.hash == r.hash)])
            case .failure(let r):
                return .failure(RPCError(20, "block rejected: \(r)", data: ["reason": .string(r.label)]))
            }
        default:
            return .failure(.unknownMethod(req.method))
        }
    }

    /// Verifies a HashShare envelope (spec §8) and hands the share to the node.
    func submitShare(_ json: JSONValue, session: GetworkSession.State?) async -> Result<JSONValue, RPCError> {
        let env: ProofEnvelope
        do { env = try ProofEnvelope(json: json) } catch { return .failure(.invalidParams("envelope: \(error)")) }
        guard env.type == .hashShare else { return .failure(.invalidParams("envelope.type_id: expected hashshare:v1")) }
        guard case .string(let jobId)? = env.body["templateId"], case .string(let nonceHex)? = env.body["nonce"],
              let nonce = try? Nonce(hex: nonceHex) else {
            return .failure(.invalidParams("envelope.body: expected templateId and a 16-byte nonce"))
        }
        if let session, let e1 = await session.extranonce1, nonce.extranonce1 != e1 {
            return .failure(RPCError(20, "body.nonce must start with the session's extranonce1 \(String(format: "0x%08x", e1))"))
        }
        guard let job = await node.job(id: jobId) else {
            node.metrics.shareRejected(.staleJob)
            return .failure(.share(.staleJob))
        }
        let template = job.template
        let tShare = await session?.tShareMicro ?? job.defaultShareTarget(sharesPerBlock: node.config.sharesPerBlock)
        let templateJSON = Block.templateJSON(template)
        let ctx = VerifierContext(policy: node.config.policy, chainId: node.config.chainId, parentHash: template.parentHash,
                                  sharesPerBlock: UInt64(max(1, node.config.sharesPerBlock)),
                                  templateLookup: { $0 == jobId ? templateJSON : nil })
        if case .failure(let r) = Verifiers.verify(env, ctx) {
            switch r.code {
            case .belowTarget:
                // The proof's own target is tShare(Θ, K); the session's threshold can be lower
                // (the block target, when Σψ > ln K): the node judges the share against it.
                break
            case .unknownTemplate:
                node.metrics.shareRejected(.staleJob)
                return .failure(.share(.staleJob))
            default:
                node.metrics.shareRejected(.other)
                return .failure(RPCError(20, "share rejected: \(r)", data: ["reason": .string(r.code.rawValue)]))
            }
        }
        let worker = await session?.worker ?? "rpc"
        switch await node.submitShare(ShareSubmission(jobId: jobId, nonce: nonce, tShareMicro: tShare, worker: worker,
                                                        source: session == nil ? .rpc : .ws)) {
        case .success(let a):
            return .success(["accepted": true, "isBlock": .bool(a.isBlock)])
        case .failure(let r):
            return .failure(.share(r))
        }
    }

    // MARK: - Shapes

    static func height(_ v: JSONValue) -> UInt64? {
        switch v {
        case .int(let i) where i >= 0: return UInt64(i)
        case .string(let s) where s.hasPrefix("0x") && s.count > 2 && s.count <= 18: return UInt64(s.dropFirst(2), radix: 16)
        default: return nil
        }
    }

    /// A block's chain record as JSON.
    public static func summary(_ r: BlockRecord) -> JSONValue {
        ["number": .int(Int64(r.height)), "hash": .string(Hex.encode(r.hash)), "parentHash": .string(Hex.encode(r.parentHash)),
         "time": .int(Int64(r.time)), "mixSeed": .string(Hex.encode(r.mixSeed)), "thetaMicro": .int(r.thetaMicro),
         "hMicro": .int(r.h), "psiMicro": .int(r.psiMicro), "scoreMicro": .int(r.score),
         "cumulativeScoreMicro": .int(r.cumulativeScore), "nextThetaMicro": .int(r.nextTheta),
         "proofs": .array(r.proofTypes.map { .string($0.wireId) })]
    }

    /// The summary plus the stored block and, per attached proof, its type, nullifier, ψ before
    /// caps and credited ψ — recomputed by the verifiers against the parent (the store keeps the
    /// envelopes, not the figures).
    func full(_ r: BlockRecord) async -> Result<JSONValue, RPCError> {
        guard case .object(var o) = Self.summary(r) else { return .success(.null) }
        do {
            if let b = try node.block(hash: r.hash) {
                o["block"] = b.json
                if !b.proofs.isEmpty, let parent = await node.record(hash: r.parentHash),
                   case .success(let credited) = node.validator.credit(b.proofs, ParentContext(parent: parent, recentTimes: []), shareTemplates: b.shareTemplates) {
                    o["proofDetails"] = .array(credited.map {
                        ["type": .string($0.type.wireId), "nullifier": .string(Hex.encode($0.nullifier.bytes)),
                         "psiRawMicro": .int($0.psiAdjMicro), "psiCreditedMicro": .int($0.creditedMicro)]
                    })
                }
            }
        } catch {
            return .failure(RPCError(20, "store read failed: \(error)"))
        }
        return .success(.object(o))
    }

    /// The job's template with `tShareMicro` (and the job's block target) added.
    public static func work(_ job: MiningJob, tShareMicro: Int64) -> JSONValue {
        guard case .object(var o) = Block.templateJSON(job.template) else { return .null }
        o["tShareMicro"] = .int(tShareMicro)
        return .object(o)
    }

    /// The chain document (as written, and as the canonical JSON its root hashes), its root, the
    /// policy and its root, Θ for the next block and the node-local timing rules.
    func params() async -> JSONValue {
        let c = node.config
        return ["chainId": .int(Int64(c.chainId)), "thetaMicro": .int(await node.expectedTheta),
                "theta0Micro": .int(c.theta0), "genesisHash": .string(Hex.encode(c.genesis.hash)),
                "chain": c.document.tree, "chainCanonical": .string(c.document.canonicalJSON),
                "chainRoot": .string(Hex.encode(c.document.root)), "rule": .string(c.document.retarget.ruleName),
                "policy": c.policy.tree, "policyRoot": .string(Hex.encode(c.policy.root)),
                "algPolicyRoot": .string(Hex.encode(c.algPolicyRoot)), "sharesPerBlock": .int(c.sharesPerBlock),
                "maxFutureDriftMs": .int(Int64(c.maxFutureDriftMs)), "medianTimeSpan": .int(Int64(c.medianTimeSpan))]
    }
}
