import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import MiningCore
import NIOCore
import ServiceLifecycle

/// The node's HTTP server (Hummingbird 2): `POST /rpc` (JSON-RPC 2.0), `GET /openrpc`,
/// `GET /metrics` (Prometheus text) and the WebSocket getwork endpoint `/ws`.
public enum DevnetHTTPServer {
    public typealias Context = DevnetRequestContext

    /// The router with every route. A `/ws` connection that has not sent a successful
    /// `miner_subscribe` within `subscribeTimeout` is closed (the rule of Stratum's
    /// `handshakeTimeout`, same default).
    public static func makeRouter(rpc: DevnetRPC, subscribeTimeout: Duration = .seconds(30)) -> Router<Context> {
        let router = Router(context: Context.self)
        router.post("/rpc") { request, _ -> Response in
            var request = request
            let reply: JSONValue?
            do {
                let body = try await request.collectBody(upTo: 1 << 20)
                reply = await rpc.handle(Data(buffer: body))
            } catch {
                reply = RPCResponse.error(.null, .invalidRequest("request body too large or unreadable"))
            }
            // A notification has no reply: 204 and an empty body.
            guard let reply else { return Response(status: .noContent) }
            return json(reply)
        }
        router.get("/openrpc") { _, _ -> Response in json(OpenRPC.document) }
        // 503 with the reason while the block store cannot be written (the node issues no work).
        router.get("/healthz") { _, _ -> Response in
            if let problem = rpc.node.storageProblem {
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                                body: .init(byteBuffer: ByteBuffer(string: "storage: \(problem)\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: rpc.node.metrics.render())))
        }
        // One getwork session per connection, under the per-address cap; a session the abuse
        // policy closes is an offence of its address (``PeerRegistry``).
        router.ws("/ws", shouldUpgrade: { _, context in
            let address = context.remoteAddress?.ipAddress ?? "?"
            if let refusal = rpc.peers.check(address) {
                rpc.node.metrics.getworkRefused(refusal)
                throw HTTPError(.tooManyRequests, message: rpc.peers.message(for: refusal))
            }
            return .upgrade([:])
        }) { inbound, outbound, context in
            let address = context.requestContext.remoteAddress?.ipAddress ?? "?"
            if let refusal = rpc.peers.admit(address) {
                rpc.node.metrics.getworkRefused(refusal)
                return
            }
            defer { rpc.peers.release(address) }
            let session = GetworkSession(rpc: rpc)
            defer { session.close() }
            // The frames are read in a child task so that the subscribe deadline can end the
            // connection: cancelling that task ends the read even from a client that sends
            // nothing (and would not answer a close frame either).
            let ending = try await withThrowingTaskGroup(of: WebSocketEnding.self) { group in
                group.addTask {
                    do {
                        for await text in session.pushes { try await outbound.write(.text(text)) }
                    } catch {}  // the connection is gone; the read ends too
                    return .pushesEnded
                }
                group.addTask {
                    for try await message in inbound.messages(maxSize: 64 * 1024) {
                        let reply: String?
                        switch message {
                        case .text(let s): reply = await session.handle(s)
                        case .binary(let b): reply = await session.handle(String(buffer: b))
                        }
                        if let reply { try await outbound.write(.text(reply)) }
                        if session.shouldClose {
                            rpc.node.metrics.getworkRefused(.closedForAbuse)
                            if case .banned = rpc.peers.offence(address) {
                                context.logger.notice("getwork peer banned", metadata: ["peer": "\(address)"])
                            } else {
                                context.logger.notice("getwork session closed for abuse", metadata: ["peer": "\(address)"])
                            }
                            break
                        }
                    }
                    return .inboundEnded
                }
                group.addTask {
                    try await Task.sleep(for: subscribeTimeout)
                    return await session.state.subscription == nil ? .subscribeTimeout : .subscribedInTime
                }
                var ending = WebSocketEnding.inboundEnded
                while let next = try await group.next() {
                    if next == .inboundEnded || next == .subscribeTimeout { ending = next; break }
                }
                session.close()
                group.cancelAll()
                return ending
            }
            if ending == .subscribeTimeout {
                rpc.node.metrics.getworkRefused(.handshakeTimeout)
                context.logger.notice("getwork session closed: no miner_subscribe in time",
                                      metadata: ["peer": "\(address)", "timeout": "\(subscribeTimeout)"])
                // The reason in the close frame (1008, policy violation), as Stratum's error line.
                try? await outbound.close(.policyViolation, reason: "no miner_subscribe within \(subscribeTimeout)")
            }
        }
        return router
    }

    /// The application listening on `host:port` (port 0 picks a free one; `onRunning` gets the
    /// bound port). Request heads over `maxHeadBytes` get 431, heads not complete within
    /// `headTimeout` get 408 (``HTTPHeadGuard``); `/ws` connections that do not subscribe within
    /// `subscribeTimeout` are closed (``makeRouter(rpc:subscribeTimeout:)``).
    public static func makeApplication(rpc: DevnetRPC, host: String, port: Int, logger: Logger,
                                       maxHeadBytes: Int = 16 * 1024, headTimeout: Duration = .seconds(10),
                                       subscribeTimeout: Duration = .seconds(30),
                                       onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let headLimits = HTTPHeadGuard.Limits(maxHeadBytes: maxHeadBytes, headTimeout: headTimeout)
        let router = makeRouter(rpc: rpc, subscribeTimeout: subscribeTimeout)
        let webSocketResponder = router.buildResponder()
        let metrics = rpc.node.metrics
        // Heads are guarded before the decoder (431/408, ``HTTPHeadGuard``); a connection idle
        // for a minute between requests is closed.
        let server = HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                   configuration: .init(http1: .init(idleTimeout: .seconds(60)))),
                limits: headLimits, refused: { metrics.httpRefused($0) })
        }
        return Application(router: router, server: server,
                           configuration: .init(address: .hostname(host, port: port), serverName: "poies-devnet"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// Why a `/ws` connection's handler stopped waiting.
    enum WebSocketEnding: Sendable {
        case inboundEnded, pushesEnded, subscribeTimeout, subscribedInTime
    }

    static func json(_ v: JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: v.canonical)))
    }
}

/// A running server that can be shut down gracefully (open WebSocket sessions get `grace` to
/// finish before they are cancelled).
public final class RunningHTTPServer: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Starts `app` in its own service group (no signal handling: the caller owns signals).
    public init(_ app: some ApplicationProtocol, logger: Logger) {
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        self.group = group
        task = Task { try await group.run() }
    }

    public func shutdown(grace: Duration = .seconds(2)) async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let timer = Task {
            try await Task.sleep(for: grace)
            task.cancel()
        }
        _ = await task.result
        timer.cancel()
    }
}
