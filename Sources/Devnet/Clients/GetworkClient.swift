import Foundation
import HummingbirdWSClient
import Logging
import MiningCore
import Synchronization

/// The WebSocket getwork client (spec §9, `/ws`): `miner_subscribe ["newWork"]` and one
/// `miner_getWork` for the current job, then every `miner.newWork` push (a template with
/// `tShareMicro`) becomes an ``ExternalJob`` at once; shares go back as HashShare envelopes
/// (spec §8) through `miner_submitShare`.
public final class GetworkClient: Sendable {
    private let outbound: WebSocketOutboundWriter
    private let rpc = RPCCorrelator()
    private let jobContinuation: AsyncStream<ExternalJob>.Continuation
    public let jobs: AsyncStream<ExternalJob>

    private struct State { var extranonce1: UInt32 = 0; var lastParent: [UInt8] = [] }
    private let state = Mutex(State())

    public var extranonce1: UInt32 { state.withLock { $0.extranonce1 } }

    init(outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
        (jobs, jobContinuation) = AsyncStream<ExternalJob>.makeStream(bufferingPolicy: .bufferingNewest(16))
    }

    /// Connects to `url` (`ws://HOST:PORT/ws`), subscribes to new work and runs `body`.
    public static func withConnection(url: String, logger: Logger,
                                      _ body: @escaping @Sendable (GetworkClient) async throws -> Void) async throws {
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 20), logger: logger) { inbound, outbound, _ in
            let client = GetworkClient(outbound: outbound)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { client.connectionEnded() }
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let s) = message { client.handle(s) }
                    }
                }
                do {
                    try await client.subscribe()
                    try await body(client)
                } catch {
                    group.cancelAll()
                    throw error
                }
                group.cancelAll()
            }
        }
    }

    public func request(_ method: String, _ params: [JSONValue]) async throws -> RPCReply {
        try await rpc.call { id in
            try await outbound.write(.text(JSONValue.object([
                "id": .int(id), "jsonrpc": "2.0", "method": .string(method), "params": .array(params),
            ]).canonical))
        }
    }

    public func subscribe() async throws {
        let r = try await request("miner_subscribe", ["newWork"])
        if let e = r.error { throw ExternalWorkError.remote(e) }
        guard case .string(let en1)? = r.result?["extranonce1"], let bytes = try? Hex.decode(en1, bytes: 4) else {
            throw ExternalWorkError.protocolError("miner_subscribe result without a 4-byte extranonce1")
        }
        state.withLock { $0.extranonce1 = bytes.reduce(0) { $0 << 8 | UInt32($1) } }
        try await refreshWork()
    }

    /// `miner_getWork` → the current job (none yet while the node prepares its first template:
    /// the next push brings it).
    func refreshWork() async throws {
        let r = try await request("miner_getWork", [])
        if r.error != nil { return }
        guard let work = r.result else { throw ExternalWorkError.protocolError("miner_getWork without a result") }
        try accept(work: work)
    }

    /// A work object (template + `tShareMicro`, from `miner_getWork` or a `miner.newWork` push)
    /// as the next job.
    func accept(work: JSONValue) throws {
        guard case .object(var o) = work, case .int(let t)? = o.removeValue(forKey: "tShareMicro"),
              let data = try? JSONEncoder().encode(JSONValue.object(o)),
              let template = try? HeaderTemplate.decode(json: data) else {
            throw ExternalWorkError.protocolError("work is not a template with tShareMicro")
        }
        let (en1, clean) = state.withLock { s in
            defer { s.lastParent = template.parentHash }
            return (s.extranonce1, s.lastParent != template.parentHash)
        }
        jobContinuation.yield(ExternalJob(jobId: template.extra.templateId, template: template, tShareMicro: t,
                                          cleanJobs: clean, extranonce1: en1))
    }

    /// Submits a share as a HashShare envelope.
    public func submit(_ job: ExternalJob, nonce: Nonce) async throws -> ShareVerdict {
        let r = try await request("miner_submitShare", [Self.envelope(job, nonce: nonce)])
        if let e = r.error { return .rejected(code: e.code, message: e.message) }
        guard case .bool(true)? = r.result?["accepted"] else {
            throw ExternalWorkError.protocolError("miner_submitShare result without accepted: true")
        }
        return .accepted(isBlock: r.result?["isBlock"] == .bool(true))
    }

    /// Submits one of the miner's own proofs (`miner_submitProof`, spec v1.1 §9).
    public func submitProof(_ envelope: JSONValue) async throws -> ProofVerdict {
        ProofVerdict(reply: try await request("miner_submitProof", [envelope]))
    }

    /// The HashShare envelope of spec §8 for `nonce` on `job`.
    public static func envelope(_ job: ExternalJob, nonce: Nonce) -> JSONValue {
        let t = job.template
        let draw = UDraw.draw(template: t, nonce: nonce)
        let nullifier = Nullifier(type: .hashShare, identityBytes: t.templateHash + nonce.bytes + t.nonceDomain.mixSeed,
                                  chainId: t.chainId)
        return [
            "type_id": .string(ProofType.hashShare.wireId),
            "body": [
                "templateId": .string(t.extra.templateId),
                "nonce": .string(nonce.hex),
                "mixSeed": .string(Hex.encode(t.nonceDomain.mixSeed)),
                "u": .string(Hex.encode(draw.u)),
                "keccak": .string(Hex.encode(draw.keccak)),
                "d_ratio_ppm": .int(ShareTarget.dRatioPpm(H: draw.H, thetaMicro: t.params.thetaMicro)),
            ],
            "nullifier": .string(nullifier.hex),
        ]
    }

    private func handle(_ text: String) {
        guard case .object(let o)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return }
        if let reply = RPCCorrelator.reply(from: o) { rpc.deliver(reply); return }
        if o["method"] == .string("miner.newWork"), case .array(let params)? = o["params"], let work = params.first {
            try? accept(work: work)
        }
    }

    private func connectionEnded() {
        rpc.close()
        jobContinuation.finish()
    }
}
