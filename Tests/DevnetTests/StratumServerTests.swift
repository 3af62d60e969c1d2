import Devnet
import Metrics
import MiningCore
import NIOCore
import NIOPosix
import Testing

/// A no-op metrics factory so tests never touch the global bootstrap.
struct NoMetrics: MetricsFactory {
    final class H: CounterHandler, FloatingPointCounterHandler, RecorderHandler, TimerHandler, MeterHandler, @unchecked Sendable {
        func increment(by: Int64) {}
        func increment(by: Double) {}
        func reset() {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
        func set(_ value: Int64) {}
        func set(_ value: Double) {}
        func increment(by: Int) {}
        func decrement(by: Double) {}
    }
    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { H() }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler { H() }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { H() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { H() }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { H() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}
    func destroyMeter(_ handler: any MeterHandler) {}
}

/// Runs a Stratum server on an ephemeral loopback port around `body`. The handshake timeout is
/// 10 minutes unless a test sets it: connections that send raw lines without authorizing must not
/// be closed by it while a loaded machine stalls the test (the default 30 s did, in CI).
func withStratumServer(session: StratumSession.Configuration = .init(initialTShareMicro: 1_000_000, targetSharesPerMinute: nil),
                       maxConnectionsPerAddress: Int = 256, handshakeTimeout: Duration = .seconds(600),
                       job: MiningJob, _ body: (InMemoryWorkProvider, Int) async throws -> Void) async throws {
    let provider = InMemoryWorkProvider()
    await provider.push(job)
    let server = try await StratumServer.bind(
        provider: provider,
        configuration: .init(host: "127.0.0.1", port: 0, session: session, handshakeTimeout: handshakeTimeout),
        peers: PeerRegistry(configuration: .init(maxConnectionsPerAddress: maxConnectionsPerAddress)),
        metrics: StratumMetrics(factory: NoMetrics()))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        try await body(provider, server.localPort)
        await provider.finish()
        group.cancelAll()
    }
}

@Suite struct StratumServerTests {
    let job = SyntheticJob.make(seed: 11, thetaMicro: 30_000_000)

    @Test func subscribeAuthorizeNotifySubmitAndEveryError() async throws {
        try await withStratumServer(job: job) { provider, port in
            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "w1") { c in
                var jobs = c.jobs.makeAsyncIterator()
                let j = try #require(await jobs.next())
                #expect(j.jobId == job.jobId && j.tShareMicro == 1_000_000 && j.extranonce1 == c.extranonce1)
                #expect(j.template == job.template)

                let (good, _) = NonceSearch.first(job, extranonce1: c.extranonce1) { $0 >= 1_000_000 }
                let (low, _) = NonceSearch.first(job, extranonce1: c.extranonce1) { $0 < 1_000_000 }
                #expect(try await c.submit(j, nonce: good) == .accepted(isBlock: false))
                #expect(try await c.submit(j, nonce: good) == .rejected(code: 22, message: ShareRejection.duplicate.message))
                #expect(try await c.submit(j, nonce: low) == .rejected(code: 23, message: ShareRejection.lowDifficulty.message))
                #expect(try await c.submit(jobId: "nope", extranonce2: 0, counter: 1) == .rejected(code: 21, message: ShareRejection.staleJob.message))
                #expect(try await c.submit(jobId: j.jobId, extranonce2: 0, counter: 2, worker: "stranger")
                    == .rejected(code: 24, message: ShareRejection.unauthorized.message))

                // Malformed, oversized, unknown method, bad params: errors, and the connection stays usable.
                #expect(try await c.sendRaw("{this is not json\n").error?.code == -32700)
                #expect(try await c.sendRaw(String(repeating: "x", count: 20_000) + "\n").error?.code == -32600)
                #expect(try await c.request("mining.fly", []).error?.code == -32601)
                #expect(try await c.request("mining.submit", ["w1"]).error?.code == -32602)

                // A clean job makes the old one stale.
                let next = SyntheticJob.make(seed: 12, thetaMicro: 30_000_000, cleanJobs: true)
                await provider.push(next)
                let j2 = try #require(await jobs.next())
                #expect(j2.jobId == next.jobId && j2.cleanJobs)
                let (good1, _) = NonceSearch.first(job, extranonce1: c.extranonce1, from: 1_000_000) { $0 >= 1_000_000 }
                #expect(try await c.submit(j, nonce: good1) == .rejected(code: 21, message: ShareRejection.staleJob.message))
                let (good2, _) = NonceSearch.first(next, extranonce1: c.extranonce1) { $0 >= 1_000_000 }
                #expect(try await c.submit(j2, nonce: good2) == .accepted(isBlock: false))
            }
        }
    }

    @Test func notSubscribedAndDistinctExtranonces() async throws {
        try await withStratumServer(job: job) { _, port in
            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "a", handshake: false) { raw in
                let r = try await raw.request("mining.submit", ["a", .string(job.jobId), "00000000", "0000000000000000"])
                #expect(r.error?.code == 25)
                try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "a") { a in
                    try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "b") { b in
                        #expect(a.extranonce1 != b.extranonce1)
                        #expect(a.extranonce1 != 0 && b.extranonce1 != 0)
                    }
                }
            }
        }
    }

    @Test func clientMinesAShareThroughExternalMiner() async throws {
        try await withStratumServer(job: job) { _, port in
            let accepted = AsyncStream<ExternalMiner.Event>.makeStream()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await ExternalMiner.run(url: "stratum+tcp://127.0.0.1:\(port)", threads: 1) { e in
                        if case .share(_, .accepted) = e { accepted.continuation.yield(e) }
                    }
                }
                var it = accepted.stream.makeAsyncIterator()
                let first = await it.next()
                #expect(first == .share(jobId: job.jobId, verdict: .accepted(isBlock: false)))
                group.cancelAll()
            }
        }
    }

    /// One address holds at most its cap of connections (the next gets one error line and is
    /// closed), and a connection that never subscribes and authorizes is closed after the
    /// handshake timeout — while a session that did keeps working.
    @Test(.timeLimit(.minutes(1))) func perAddressCapAndHandshakeTimeout() async throws {
        try await withStratumServer(maxConnectionsPerAddress: 2, handshakeTimeout: .seconds(3), job: job) { _, port in
            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "w1") { miner in
                // The server closes both connections below; the client may report that close
                // (I/O on a closed channel) when it leaves them — what counts is what was read.
                var refusedWhy = "", toldWhy = "", closedAfter = false
                do {
                    try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "idle", handshake: false) { idle in
                        // An answer proves the server admitted this connection before the third
                        // connects (they may land on different event loops; under load the third
                        // was admitted first and took the slot). It neither subscribes nor authorizes.
                        _ = try await idle.request("mining.ping", [])
                        do {
                            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "third", handshake: false) { third in
                                refusedWhy = try await third.nextStrayReply().error?.message ?? ""
                            }
                        } catch where !refusedWhy.isEmpty {}
                        // The idle connection (no subscribe/authorize) is told why, then closed.
                        toldWhy = try await idle.nextStrayReply().error?.message ?? ""
                        do {
                            try await Task.sleep(for: .milliseconds(100))
                            try await idle.sendRaw("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n")
                            _ = try await idle.request("mining.subscribe", [])
                        } catch { closedAfter = true }
                    }
                } catch where !toldWhy.isEmpty {}
                #expect(refusedWhy.contains("too many connections"), "\(refusedWhy)")
                #expect(toldWhy.contains("mining.subscribe"), "\(toldWhy)")
                #expect(closedAfter, "the idle connection still answered after the handshake timeout")
                // The miner, past the timeout, still gets answers. (3 s: the miner's own handshake
                // must beat the timeout on a loaded machine — 400 ms did not, under the full suite.)
                try await Task.sleep(for: .milliseconds(3500))
                let r = try await miner.request("mining.authorize", ["w2", "x"])
                #expect(r.result == .bool(true))
            }
        }
    }

    @Test func endpointParsing() throws {
        #expect(try ExternalMiner.Endpoint(url: "stratum+tcp://10.0.0.1:3333") == .stratum(host: "10.0.0.1", port: 3333))
        #expect(try ExternalMiner.Endpoint(url: "ws://127.0.0.1:8545/ws") == .webSocket(url: "ws://127.0.0.1:8545/ws"))
        #expect(throws: ExternalWorkError.self) { try ExternalMiner.Endpoint(url: "http://x:1") }
        #expect(throws: ExternalWorkError.self) { try ExternalMiner.Endpoint(url: "stratum+tcp://host") }
    }
}
