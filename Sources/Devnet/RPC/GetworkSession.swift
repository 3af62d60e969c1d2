import Foundation
import MiningCore
import Synchronization

/// One WebSocket getwork connection (spec §9): `miner_subscribe ["newWork"]`, `miner_getWork`,
/// `miner_submitShare`, plus the chain methods. Transport-free: the `/ws` route feeds it text
/// frames and writes its replies and ``pushes``; tests drive it directly.
///
/// The session keeps the one abuse policy of every transport (``AbuseScore``): malformed
/// frames, unknown methods, bad parameters and invalid shares cost tokens; an empty bucket
/// answers 26; a flood of 26s or a high invalid-share ratio sets ``shouldClose`` and the route
/// closes the connection, reporting an offence to the ``PeerRegistry``.
public final class GetworkSession: Sendable {
    /// Per-session values the RPC methods read.
    public actor State {
        public let extranonce1: UInt32?
        /// The session's share threshold; nil = the node's `tShare(Θ, K)`.
        public var tShareMicro: Int64?
        public var worker: String
        public var subscription: String?

        init(extranonce1: UInt32, worker: String) {
            self.extranonce1 = extranonce1
            self.worker = worker
        }

        func subscribe(_ id: String) -> Bool {
            guard subscription == nil else { return false }
            subscription = id
            return true
        }
    }

    public let rpc: DevnetRPC
    public let state: State
    /// Server → client messages (`miner.newWork` notifications), already serialised.
    public let pushes: AsyncStream<String>
    let pushContinuation: AsyncStream<String>.Continuation
    let pushTask = Mutex<Task<Void, Never>?>(nil)
    /// Set by the first ``close()``: the sessions gauge goes down once per session.
    let closed = Atomic<Bool>(false)
    static let nextExtranonce = Atomic<UInt32>(0)
    let abuse: Mutex<AbuseScore>
    let closeRequested = Atomic<Bool>(false)

    /// The abuse policy asked for this session to be closed (the route does, and reports an
    /// offence for the address).
    public var shouldClose: Bool { closeRequested.load(ordering: .relaxed) }

    /// A session with the next free extranonce1. WebSocket sessions use the upper half of the
    /// extranonce1 space (high bit set) so they never collide with Stratum sessions (lower half)
    /// or the solo miner (0).
    public init(rpc: DevnetRPC, abuse: AbuseScore.Configuration = .init()) {
        self.rpc = rpc
        self.abuse = Mutex(AbuseScore(configuration: abuse))
        let n = Self.nextExtranonce.add(1, ordering: .relaxed).newValue
        state = State(extranonce1: 0x8000_0000 | (n & 0x7fff_ffff), worker: "ws")
        (pushes, pushContinuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
        rpc.node.metrics.sessions.increment()
    }

    /// Ends the session (stops the job pushes).
    public func close() {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        pushTask.withLock { $0?.cancel(); $0 = nil }
        pushContinuation.finish()
        rpc.node.metrics.sessions.decrement()
        // Its held proofs go with it (their nullifiers are free for others again).
        if let e1 = state.extranonce1 {
            let node = rpc.node
            Task { await node.endSession(e1) }
        }
    }

    /// Answers one text frame with one JSON-RPC response, or nothing for a notification.
    public func handle(_ text: String) async -> String? {
        let reply: JSONValue
        let parsed = RPCRequest.parse(Data(text.utf8))
        let now = ContinuousClock.now
        let gate = abuse.withLock { $0.gate(now: now) }
        if gate != .pass {
            if gate == .close { closeRequested.store(true, ordering: .relaxed) }
            rpc.node.metrics.shareRejected(.rateLimited)
            let id: JSONValue
            switch parsed {
            case .failure(let e): id = e.id
            case .success(let r): id = r.id
            }
            return RPCResponse.error(id, .share(.rateLimited)).canonical
        }
        switch parsed {
        case .failure(let e):
            abuse.withLock { $0.charge(now: now) }
            reply = RPCResponse.error(e.id, e.error)
        case .success(let req):
            let result = await call(req)
            score(req, result, now: now)
            if req.isNotification { return nil }
            switch result {
            case .success(let r): reply = RPCResponse.result(req.id, r)
            case .failure(let e): reply = RPCResponse.error(req.id, e)
            }
        }
        return reply.canonical
    }

    /// Charges invalid traffic: errors cost a token, except a stale share (found in good faith);
    /// shares are judged for the invalid ratio.
    func score(_ req: RPCRequest, _ result: Result<JSONValue, RPCError>, now: ContinuousClock.Instant) {
        let stale = ShareRejection.staleJob.rawValue
        let close: Bool = abuse.withLock { a in
            if req.method == "miner_submitProof" {
                switch result {
                case .success: return a.judgedShare(valid: true, now: now)
                case .failure(let e) where e.code == 27 || e.code == ShareRejection.duplicate.rawValue
                                        || e.code == ShareRejection.rateLimited.rawValue:
                    // Invalid proofs are invalid work; a full session, a moved head or a spent
                    // budget are not (``ProofRefusal/isInvalidWork``).
                    let reason: String? = if case .string(let r)? = e.data?["reason"] { r } else { nil }
                    guard ProofRefusal.isInvalidWork(code: e.code, reason: reason) else { return false }
                    return a.judgedShare(valid: false, now: now)
                case .failure: a.charge(now: now); return false
                }
            }
            if req.method == "miner_submitShare" {
                switch result {
                case .success: return a.judgedShare(valid: true, now: now)
                case .failure(let e) where e.code == stale: return false
                case .failure: return a.judgedShare(valid: false, now: now)
                }
            }
            if case .failure = result { a.charge(now: now) }
            return false
        }
        if close { closeRequested.store(true, ordering: .relaxed) }
    }

    func call(_ req: RPCRequest) async -> Result<JSONValue, RPCError> {
        switch req.method {
        case "miner_subscribe":
            guard req.params == [.string("newWork")] else { return .failure(.invalidParams("expected [\"newWork\"]")) }
            let id = Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255) })
            let e1 = String(format: "0x%08x", state.extranonce1 ?? 0)
            guard await state.subscribe(id) else {
                return .success(["subscription": .string(await state.subscription ?? id), "extranonce1": .string(e1)])
            }
            let node = rpc.node, cont = pushContinuation
            let state = self.state
            let session = state.extranonce1 ?? 0
            pushTask.withLock {
                $0 = Task {
                    var ownRound: UInt64?
                    for await job in await node.jobUpdates() {
                        // Other sessions' own jobs are theirs; a round that brought this session
                        // its own job skips the common one (spec v1.1 §9).
                        guard job.isFor(session: session, ownRound: ownRound) else { continue }
                        if job.owner != nil { ownRound = job.round }
                        let t = await state.tShareMicro ?? job.defaultShareTarget(sharesPerBlock: node.config.sharesPerBlock)
                        cont.yield(RPCResponse.notification("miner.newWork", [DevnetRPC.work(job, tShareMicro: t)]).canonical)
                    }
                }
            }
            return .success(["subscription": .string(id), "extranonce1": .string(e1)])
        case "miner_submitShare":
            guard await state.subscription != nil else { return .failure(.share(.notSubscribed)) }
            return await rpc.call(req, session: state)
        case "miner_submitProof":
            guard await state.subscription != nil else { return .failure(.share(.notSubscribed)) }
            guard req.params.count == 1, case .object = req.params[0] else {
                return .failure(.invalidParams("expected [envelope] (a proof envelope object {\"type_id\", \"body\", \"nullifier\"})"))
            }
            switch await rpc.node.submitProof(req.params[0], session: state.extranonce1 ?? 0) {
            case .success(let held): return .success(held.json)
            case .failure(let r): return .failure(RPCError(r.code, r.message, data: r.data))
            }
        case "miner_submitBlock":
            return .failure(.unknownMethod(req.method))
        default:
            return await rpc.call(req, session: state)
        }
    }
}
