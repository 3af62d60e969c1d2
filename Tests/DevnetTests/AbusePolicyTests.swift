import Foundation
import Logging
import MiningCore
import NIOCore
import NIOPosix
import Synchronization
import Testing
import TestSupport
@testable import Devnet

/// The one abuse policy (issue 15 item 5, docs/decisions/devnet-stratum.md "Abuse"): the
/// per-address registry shared by the transports, the WebSocket session's score, and the HTTP
/// head limits — each answered as documented while an honest client on the same address works.
@Suite struct AbusePolicyTests {
    @Test func offencesBanOnlyRepeatedOffendersAndCapsCountLiveConnections() {
        let peers = PeerRegistry(configuration: .init(maxConnectionsPerAddress: 2, offencesBeforeBan: 3, banDuration: .seconds(60)))
        let t0 = ContinuousClock.now
        #expect(peers.admit("10.0.0.1", now: t0) == nil)
        #expect(peers.admit("10.0.0.1", now: t0) == nil)
        #expect(peers.admit("10.0.0.1", now: t0) == .perAddressCap)
        #expect(peers.admit("10.0.0.2", now: t0) == nil, "the cap is per address")
        peers.release("10.0.0.1")
        #expect(peers.admit("10.0.0.1", now: t0) == nil, "a released slot is free again")
        // Two offences close sessions only; the third within the window bans new connections.
        #expect(peers.offence("10.0.0.1", now: t0) == .closed(offences: 1))
        #expect(peers.offence("10.0.0.1", now: t0 + .seconds(1)) == .closed(offences: 2))
        #expect(peers.offence("10.0.0.1", now: t0 + .seconds(2)) == .banned(offences: 3))
        peers.release("10.0.0.1")
        #expect(peers.admit("10.0.0.1", now: t0 + .seconds(3)) == .banned)
        #expect(peers.liveConnections("10.0.0.1") == 1, "a ban never cuts the address's live sessions")
        #expect(peers.admit("10.0.0.1", now: t0 + .seconds(63)) == nil, "the ban ends")
        // Offences further apart than the window do not add up.
        #expect(peers.offence("10.0.0.3", now: t0) == .closed(offences: 1))
        #expect(peers.offence("10.0.0.3", now: t0 + .seconds(61)) == .closed(offences: 1))
    }

    /// WebSocket getwork: a flood of garbage is answered 26 once the bucket is empty and the
    /// session is then marked for closing; a stale share costs nothing; invalid shares past the
    /// minimum close it too.
    @Test func webSocketSessionScoresInvalidTrafficOnly() async throws {
        let node = try await RPCTests.node()
        let rpc = DevnetRPC(node: node)
        let flood = GetworkSession(rpc: rpc, abuse: .init(bucketCapacity: 10, bucketRefillPerSecond: 0, closeAfterRateLimited: 5))
        var codes: [Int64] = []
        for _ in 0..<14 {
            let reply = GetworkSessionTests.parse(await flood.handle("{garbage"))
            if case .int(let c)? = reply["error"]?["code"] { codes.append(c) }
        }
        #expect(codes.prefix(10).allSatisfy { $0 == -32700 }, "\(codes)")
        #expect(codes.dropFirst(10).allSatisfy { $0 == Int64(ShareRejection.rateLimited.rawValue) }, "\(codes)")
        #expect(!flood.shouldClose, "closed before closeAfterRateLimited answers of 26 in a row")
        _ = await flood.handle("{garbage")
        #expect(flood.shouldClose)
        #expect(node.metrics.render().contains("animica_miner_shares_rejected_total{reason=\"rate_limited\"} 5"))
        flood.close()

        // Valid requests cost nothing: an honest session on the same node is never limited.
        let honest = GetworkSession(rpc: rpc, abuse: .init(bucketCapacity: 2, bucketRefillPerSecond: 0))
        for i in 0..<50 {
            let head = GetworkSessionTests.parse(await honest.handle(RPCTests.request("chain_getHead", [], id: Int64(i))))
            #expect(head["result"]?["number"] == .int(0))
        }
        #expect(!honest.shouldClose)

        // Invalid shares: past 4 judged, more than half invalid closes the session.
        let shares = GetworkSession(rpc: rpc, abuse: .init(bucketCapacity: 1000, minJudgedShares: 4, maxInvalidRatio: 0.5))
        _ = await shares.handle(RPCTests.request("miner_subscribe", ["newWork"]))
        let bad: JSONValue = ["type_id": "hashshare:v1", "body": [:], "nullifier": "0x00"]
        for _ in 0..<3 { _ = await shares.handle(RPCTests.request("miner_submitShare", [bad])) }
        #expect(!shares.shouldClose)
        _ = await shares.handle(RPCTests.request("miner_submitShare", [bad]))
        #expect(shares.shouldClose)
        shares.close()
        await node.stop()
    }

    /// HTTP: a head over the limit gets 431, one that trickles past the timeout gets 408 (both
    /// counted), while requests from the same address keep being served.
    @Test(.timeLimit(.minutes(2))) func httpHeadLimitsAnswer431And408() async throws {
        let node = try await RPCTests.node()
        let (ports, portCont) = AsyncStream<Int>.makeStream()
        let app = DevnetHTTPServer.makeApplication(rpc: DevnetRPC(node: node), host: "127.0.0.1", port: 0,
                                                   logger: Logger(label: "test.rpc"), maxHeadBytes: 4096,
                                                   // Long enough that a loaded CI box reads an 8 KB head before it
                                                   // (500 ms answered the oversized head 408, not 431).
                                                   headTimeout: .seconds(3)) { portCont.yield($0) }
        let server = RunningHTTPServer(app, logger: Logger(label: "test.rpc"))
        var pit = ports.makeAsyncIterator()
        let port = try #require(await pit.next())

        let body = RPCTests.request("chain_getHead")
        let post = "POST /rpc HTTP/1.1\r\nhost: x\r\ncontent-length: \(body.utf8.count)\r\n\r\n\(body)"
        // Kept alive: two requests on one connection, the second after the first's body.
        let twice = try await RawTCP.exchange(port: port, send: post + post.replacingOccurrences(of: "host: x", with: "host: x\r\nconnection: close"))
        #expect(twice.components(separatedBy: "HTTP/1.1 200").count - 1 == 2, "\(twice.prefix(300))")

        let big = "GET /metrics HTTP/1.1\r\nhost: x\r\nx-big: \(String(repeating: "a", count: 8000))\r\n\r\n"
        let refused = try await RawTCP.exchange(port: port, send: big)
        #expect(refused.hasPrefix("HTTP/1.1 431 "), "\(refused.prefix(200))")

        // A slow head on one connection while an honest request on another is answered.
        async let slow = RawTCP.exchange(port: port, send: "GET /metrics HTTP/1.1\r\nhost: x\r\n")
        let honest = try await RawTCP.exchange(port: port, send: "GET /healthz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        #expect(honest.hasPrefix("HTTP/1.1 200 "), "\(honest.prefix(200))")
        let timedOut = try await slow
        #expect(timedOut.hasPrefix("HTTP/1.1 408 "), "\(timedOut.prefix(200))")

        let metrics = node.metrics.render()
        #expect(metrics.contains("animica_http_requests_refused_total{reason=\"header_too_large\"} 1"))
        #expect(metrics.contains("animica_http_requests_refused_total{reason=\"header_timeout\"} 1"))
        await server.shutdown()
        await node.stop()
    }

    /// `/ws` idle timeout before subscribe (the rule of Stratum's handshake timeout): a
    /// connection that has not sent a successful `miner_subscribe` within the timeout is closed
    /// with 1008 and the reason, counted as `handshake_timeout` — other requests and a failed
    /// subscribe do not count — while a client that subscribed stays open past it.
    @Test(.timeLimit(.minutes(2))) func webSocketWithoutSubscribeIsClosedAfterTheTimeout() async throws {
        let node = try await RPCTests.node()
        let (ports, portCont) = AsyncStream<Int>.makeStream()
        let timeout = Duration.seconds(1)
        let app = DevnetHTTPServer.makeApplication(rpc: DevnetRPC(node: node), host: "127.0.0.1", port: 0,
                                                   logger: Logger(label: "test.rpc"), subscribeTimeout: timeout) { portCont.yield($0) }
        let server = RunningHTTPServer(app, logger: Logger(label: "test.rpc"))
        var pit = ports.makeAsyncIterator()
        let port = try #require(await pit.next())
        let refusedLine = "animica_getwork_connections_refused_total{reason=\"handshake_timeout\"}"

        // Subscribed: still answering three timeouts later (the deadline only bounds the test).
        let honest = Task {
            try await GetworkClient.withConnection(url: "ws://127.0.0.1:\(port)/ws", logger: Logger(label: "test.ws")) { client in
                try await Task.sleep(for: timeout * 3)
                let head = try await client.request("chain_getHead", [])
                #expect(head.result?["number"] != nil, "a subscribed session was not answered after the timeout: \(head)")
            }
        }
        let honestDeadline = Task { try await Task.sleep(for: .seconds(30)); honest.cancel() }

        // Never subscribed: a request and a failed subscribe, then silence. Closed by the server
        // within the deadline, or the test fails saying so.
        let idle = try await RawWebSocket.run(port: port, frames: [
            RPCTests.request("chain_getHead", [], id: 1),
            RPCTests.request("miner_subscribe", ["oops"], id: 2),
        ], deadline: .seconds(15))
        #expect(idle.upgraded, "no 101 for /ws: \(idle.head.prefix(200))")
        #expect(idle.closedByServer, "a /ws connection that never subscribed was still open after 15 s (timeout \(timeout))")
        #expect(idle.texts.count == 2, "both requests are answered before the close: \(idle.texts)")
        let close = idle.closeFrame
        #expect(close?.code == 1008, "close frame \(String(describing: close))")
        #expect(close?.reason.contains("miner_subscribe") == true, "close frame \(String(describing: close))")
        #expect(node.metrics.render().contains("\(refusedLine) 1"), "\(node.metrics.render().split(separator: "\n").filter { $0.contains("refused") })")

        let result = await honest.result
        honestDeadline.cancel()
        if case .failure(let e) = result { Issue.record("the subscribed session failed (closed?) within 30 s: \(e)") }
        #expect(node.metrics.render().contains("\(refusedLine) 1"), "the subscribed session was counted as timed out")
        await server.shutdown()
        await node.stop()
    }
}

/// A hand-written WebSocket client over raw TCP, answering nothing on its own (no pong, no
/// close reply): the upgrade, then masked text frames, then silence until the server closes or
/// `deadline` passes.
enum RawWebSocket {
    struct Outcome {
        var head: String
        var upgraded: Bool
        var texts: [String]
        var closeFrame: (code: Int, reason: String)?
        var closedByServer: Bool
    }

    static func run(port: Int, frames: [String], deadline: Duration) async throws -> Outcome {
        let collector = RawTCP.Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        let upgrade = "GET /ws HTTP/1.1\r\nhost: 127.0.0.1\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
            + "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n"
        try await channel.writeAndFlush(channel.allocator.buffer(string: upgrade)).get()
        let timedOut = Atomic<Bool>(false)
        let timer = Task {
            try await Task.sleep(for: deadline)
            timedOut.store(true, ordering: .relaxed)
            channel.close(promise: nil)
        }
        // Frames only after the 101 (or whatever the server answered).
        while !timedOut.load(ordering: .relaxed), channel.isActive, headEnd(collector.received.withLock { $0 }) == nil {
            try await Task.sleep(for: .milliseconds(10))
        }
        for f in frames where channel.isActive {
            try? await channel.writeAndFlush(channel.allocator.buffer(bytes: masked(f))).get()
        }
        _ = await Task { try await channel.closeFuture.get() }.result
        timer.cancel()
        let bytes = collector.received.withLock { $0 }
        let end = headEnd(bytes) ?? bytes.count
        var out = Outcome(head: String(decoding: bytes[..<end], as: UTF8.self), upgraded: false, texts: [],
                          closeFrame: nil, closedByServer: !timedOut.load(ordering: .relaxed))
        out.upgraded = out.head.hasPrefix("HTTP/1.1 101")
        for (opcode, payload) in parse(Array(bytes[end...])) {
            if opcode == 0x1 { out.texts.append(String(decoding: payload, as: UTF8.self)) }
            if opcode == 0x8, payload.count >= 2 {
                out.closeFrame = (Int(payload[0]) << 8 | Int(payload[1]), String(decoding: payload.dropFirst(2), as: UTF8.self))
            }
        }
        return out
    }

    /// The index just past the HTTP head's blank line.
    static func headEnd(_ b: [UInt8]) -> Int? {
        guard b.count >= 4 else { return nil }
        for i in 0...(b.count - 4) where b[i] == 13 && b[i + 1] == 10 && b[i + 2] == 13 && b[i + 3] == 10 { return i + 4 }
        return nil
    }

    /// One client text frame, masked (with a zero key: the bytes travel as they are).
    static func masked(_ text: String) -> [UInt8] {
        let p = Array(text.utf8)
        var f: [UInt8] = [0x81]
        if p.count < 126 { f.append(0x80 | UInt8(p.count)) } else { f += [0x80 | 126, UInt8(p.count >> 8), UInt8(p.count & 0xff)] }
        return f + [0, 0, 0, 0] + p
    }

    /// The server's (unmasked) frames, up to the first incomplete one.
    static func parse(_ b: [UInt8]) -> [(opcode: UInt8, payload: [UInt8])] {
        var out: [(UInt8, [UInt8])] = []
        var i = 0
        while i + 2 <= b.count {
            var len = Int(b[i + 1] & 0x7f), at = i + 2
            if len == 126 { guard at + 2 <= b.count else { break }; len = Int(b[at]) << 8 | Int(b[at + 1]); at += 2 }
            if len == 127 { guard at + 8 <= b.count else { break }; len = b[at..<at + 8].reduce(0) { $0 << 8 | Int($1) }; at += 8 }
            guard at + len <= b.count else { break }
            out.append((b[i] & 0x0f, Array(b[at..<at + len])))
            i = at + len
        }
        return out
    }
}

/// A raw TCP exchange: sends `send`, then reads until the server closes (deadline 20 s).
enum RawTCP {
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received = Mutex<[UInt8]>([])
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let b = unwrapInboundIn(data)
            received.withLock { $0 += b.readableBytesView }
        }
    }

    static func exchange(port: Int, send: String) async throws -> String {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { ch in ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        // The server may answer and close before the whole request is written (a 431 for an
        // oversized head): then the write fails, and what was received is still the answer.
        try? await channel.writeAndFlush(channel.allocator.buffer(string: send)).get()
        let closed = Task { try await channel.closeFuture.get() }
        let deadline = Task {
            try await Task.sleep(for: .seconds(20))
            channel.close(promise: nil)
        }
        _ = await closed.result
        deadline.cancel()
        return String(decoding: collector.received.withLock { $0 }, as: UTF8.self)
    }
}
