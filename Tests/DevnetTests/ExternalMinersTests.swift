import Devnet
import Foundation
import Logging
import MiningCore
import Synchronization
import Testing

/// A node serving work over loopback to miners in the same process: one over Stratum, one over
/// WebSocket getwork (the real `/ws` route of the HTTP server). Each gets work and has shares
/// accepted.
@Suite struct ExternalMinersTests {
    /// Runs `ExternalMiner` against `url` until it reports an accepted share (or 20 s pass).
    static func firstAccepted(url: String) async throws -> [ExternalMiner.Event] {
        let events = Mutex<[ExternalMiner.Event]>([])
        let (done, cont) = AsyncStream<Void>.makeStream()
        let miner = Task {
            try await ExternalMiner.run(url: url, threads: 1) { e in
                events.withLock { $0.append(e) }
                if case .share(_, .accepted) = e { cont.yield() }
            }
        }
        let timeout = Task { try await Task.sleep(for: .seconds(20)); cont.finish() }
        var it = done.makeAsyncIterator()
        _ = await it.next()
        miner.cancel()
        timeout.cancel()
        _ = await miner.result
        return events.withLock { $0 }
    }

    static func node() async throws -> DevnetNode {
        // Θ₀ = 6 nats: tShare ≈ 3.2 nats, so shares are common and blocks rare.
        let n = try DevnetNode(config: Fixtures.config(theta0: 6_000_000), dataDir: Fixtures.tempDir("ext"))
        await n.start()
        return n
    }

    @Test func stratumMinerGetsWorkAndSharesAccepted() async throws {
        let node = try await Self.node()
        let server = try await StratumServer.bind(provider: node, configuration: .init(host: "127.0.0.1", port: 0),
                                                  metrics: StratumMetrics(factory: node.metrics.factory))
        let serving = Task { try await server.run() }
        let events = try await Self.firstAccepted(url: "stratum+tcp://127.0.0.1:\(server.localPort)")
        #expect(events.contains { if case .connected = $0 { true } else { false } })
        #expect(events.contains { if case .job = $0 { true } else { false } })
        #expect(events.contains { if case .share(_, .accepted) = $0 { true } else { false } })
        serving.cancel()
        _ = await serving.result
        await node.stop()
    }

    @Test func webSocketMinerGetsWorkAndSharesAcceptedOverTheLiveRoute() async throws {
        let node = try await Self.node()
        let (ports, portCont) = AsyncStream<Int>.makeStream()
        let app = DevnetHTTPServer.makeApplication(rpc: DevnetRPC(node: node), host: "127.0.0.1", port: 0,
                                                   logger: Logger(label: "test.rpc")) { portCont.yield($0) }
        let server = RunningHTTPServer(app, logger: Logger(label: "test.rpc"))
        var pit = ports.makeAsyncIterator()
        let port = try #require(await pit.next())
        let events = try await Self.firstAccepted(url: "ws://127.0.0.1:\(port)/ws")
        guard case .connected(let e1)? = events.first else { Issue.record("no connect event: \(events)"); return }
        #expect(e1 & 0x8000_0000 != 0)
        #expect(events.contains { if case .share(_, .accepted) = $0 { true } else { false } })
        await server.shutdown()
        await node.stop()
    }
}
