import Foundation
import MiningCore
import NIOCore
import NIOPosix
import Synchronization

/// A Stratum client (spec §9): connects, subscribes, authorizes, turns `mining.set_difficulty`
/// and `mining.notify` into ``ExternalJob``s and submits shares.
///
///     try await StratumClient.withConnection(host: "127.0.0.1", port: 11333, worker: "cpu") { client in
///         for await job in client.jobs { … try await client.submit(job, nonce: n) … }
///     }
public final class StratumClient: Sendable {
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let rpc = RPCCorrelator()
    private let jobContinuation: AsyncStream<ExternalJob>.Continuation
    /// Jobs as the server notifies them (newest kept when the consumer lags).
    public let jobs: AsyncStream<ExternalJob>
    private struct State { var extranonce1: UInt32 = 0; var pendingTShare: Int64 = 0; var worker = ""; var subscribeId: Int64 = -1 }
    private let state = Mutex(State())

    /// The extranonce1 the server assigned at subscribe.
    public var extranonce1: UInt32 { state.withLock { $0.extranonce1 } }

    init(outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.outbound = outbound
        (jobs, jobContinuation) = AsyncStream<ExternalJob>.makeStream(bufferingPolicy: .bufferingNewest(16))
    }

    /// Connects, subscribes and authorizes `worker` (unless `handshake` is false), runs `body`,
    /// then closes the connection.
    public static func withConnection<R: Sendable>(
        host: String, port: Int, worker: String, password: String = "x", userAgent: String = "animica-simctl/1",
        handshake: Bool = true, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (StratumClient) async throws -> R
    ) async throws -> R {
        let channel = try await ClientBootstrap(group: eventLoopGroup)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineLength: 1 << 20)))
                    return try NIOAsyncChannel<LineFrame, ByteBuffer>(wrappingChannelSynchronously: ch)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            let client = StratumClient(outbound: outbound)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { client.connectionEnded() }
                    for try await frame in inbound {
                        if case .line(let buf) = frame { client.handle(line: buf) }
                    }
                }
                do {
                    if handshake {
                        try await client.subscribe(userAgent: userAgent)
                        try await client.authorize(worker: worker, password: password)
                    }
                    let r = try await body(client)
                    outbound.finish()
                    group.cancelAll()
                    return r
                } catch {
                    outbound.finish()
                    group.cancelAll()
                    throw error
                }
            }
        }
    }

    // MARK: - Requests

    /// Sends `method(params)` and awaits its reply.
    public func request(_ method: String, _ params: [JSONValue]) async throws -> RPCReply {
        try await rpc.call { id in
            if method == "mining.subscribe" { state.withLock { $0.subscribeId = id } }
            try await outbound.write(ByteBuffer(string: StratumWire.request(id: id, method: method, params)))
        }
    }

    /// Writes raw bytes (tests: malformed and oversized lines) and awaits the next reply nobody
    /// else is waiting for.
    public func sendRaw(_ text: String) async throws -> RPCReply {
        try await outbound.write(ByteBuffer(string: text))
        return try await rpc.nextStray()
    }

    /// The next reply nobody asked for (e.g. the error line a server sends before it closes).
    public func nextStrayReply() async throws -> RPCReply { try await rpc.nextStray() }

    public func subscribe(userAgent: String) async throws {
        let r = try await request("mining.subscribe", [.string(userAgent)])
        if let e = r.error { throw ExternalWorkError.remote(e) }
        guard Self.extranonce1(fromSubscribe: r.result) != nil else {
            throw ExternalWorkError.protocolError("mining.subscribe result without an 8-hex-digit extranonce1")
        }
    }

    public static func extranonce1(fromSubscribe result: JSONValue?) -> UInt32? {
        guard case .array(let a)? = result, a.count >= 2, case .string(let en1) = a[1],
              let v = StratumInbound.hexInteger(en1, digits: 8) else { return nil }
        return UInt32(v)
    }

    public func authorize(worker: String, password: String) async throws {
        let r = try await request("mining.authorize", [.string(worker), .string(password)])
        if let e = r.error { throw ExternalWorkError.remote(e) }
        guard r.result == .bool(true) else { throw ExternalWorkError.protocolError("mining.authorize did not return true") }
        state.withLock { $0.worker = worker }
    }

    /// Submits a nonce for `job` (its extranonce1 must be this session's).
    public func submit(_ job: ExternalJob, nonce: Nonce) async throws -> ShareVerdict {
        try await submit(jobId: job.jobId, extranonce2: nonce.extranonce2, counter: nonce.counter)
    }

    public func submit(jobId: String, extranonce2: UInt32, counter: UInt64, worker: String? = nil) async throws -> ShareVerdict {
        let w = worker ?? state.withLock { $0.worker }
        let r = try await request("mining.submit", [
            .string(w), .string(jobId), .string(StratumInbound.hex(UInt64(extranonce2), digits: 8)),
            .string(StratumInbound.hex(counter, digits: 16)),
        ])
        if let e = r.error { return .rejected(code: e.code, message: e.message) }
        return .accepted(isBlock: false)
    }

    /// Submits one of the miner's own proofs (`mining.submit_proof`, spec v1.1 §9).
    public func submitProof(_ envelope: JSONValue) async throws -> ProofVerdict {
        let w = state.withLock { $0.worker }
        return ProofVerdict(reply: try await request("mining.submit_proof", [.string(w), envelope]))
    }

    // MARK: - Inbound

    private func handle(line: ByteBuffer) {
        switch Self.parseServerLine(line.readableBytesView) {
        case .reply(let reply):
            // The extranonce1 is recorded here, before the notify that follows on the same stream.
            if case .int(let id) = reply.id, let en1 = Self.extranonce1(fromSubscribe: reply.result) {
                state.withLock { if $0.subscribeId == id { $0.extranonce1 = en1 } }
            }
            rpc.deliver(reply)
        case .setDifficulty(let t):
            state.withLock { $0.pendingTShare = t }
        case .notify(let jobId, let template, let clean, let hints):
            let (en1, t) = state.withLock { ($0.extranonce1, $0.pendingTShare) }
            jobContinuation.yield(ExternalJob(jobId: jobId, template: template, tShareMicro: t, cleanJobs: clean, extranonce1: en1,
                                              proofHints: hints))
        case .ignored:
            break
        }
    }

    /// One line from a Stratum server, as a client reads it.
    public enum ServerLine: Sendable {
        case reply(RPCReply)
        /// `mining.set_difficulty`: the threshold of the jobs notified next.
        case setDifficulty(Int64)
        case notify(jobId: String, template: HeaderTemplate, clean: Bool, proofHints: [String])
        /// Not JSON, not understood, or a notification this client does not use.
        case ignored
    }

    /// Parses one server line (without its newline) with the strict parser.
    public static func parseServerLine(_ bytes: some Collection<UInt8>) -> ServerLine {
        guard case .object(let o)? = try? StrictJSON.parse(Array(bytes)) else { return .ignored }
        if let reply = RPCCorrelator.reply(from: o) { return .reply(reply) }
        guard case .string(let method)? = o["method"], case .array(let params)? = o["params"] else { return .ignored }
        switch method {
        case "mining.set_difficulty":
            guard case .int(let t)? = params.first else { return .ignored }
            return .setDifficulty(t)
        case "mining.notify":
            guard params.count >= 3, case .string(let jobId) = params[0], case .bool(let clean) = params[2],
                  let data = try? JSONEncoder().encode(params[1]),
                  let template = try? HeaderTemplate.decode(json: data) else { return .ignored }
            var hints: [String] = []
            if params.count >= 4, case .array(let ps)? = params[3]["proofs"] {
                hints = ps.compactMap { if case .string(let s) = $0 { return s }; return nil }
            }
            return .notify(jobId: jobId, template: template, clean: clean, proofHints: hints)
        default:
            return .ignored
        }
    }

    private func connectionEnded() {
        rpc.close()
        jobContinuation.finish()
    }
}
