import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Limits on request heads for the node's HTTP port, enforced on raw bytes before the HTTP
/// decoder sees them: a head larger than ``Limits/maxHeadBytes`` is answered
/// `431 Request Header Fields Too Large`, one not complete within ``Limits/headTimeout`` (of the
/// connection opening, or of its first byte for later requests) `408 Request Timeout`; either way
/// the connection is closed. Without it a client could trickle headers forever (slowloris) or
/// get only a reset from the decoder's own limit, with no status a user can read.
///
/// It follows each request's framing (`Content-Length` bodies are skipped by count) and steps
/// aside for the rest of a connection that upgrades (WebSocket) or sends a chunked body: those
/// bytes are frames and chunks, not heads. The counted answer is in
/// `animica_http_requests_refused_total{reason}`.
final class HTTPHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Limits: Sendable {
        var maxHeadBytes: Int
        var headTimeout: Duration

        init(maxHeadBytes: Int = 16 * 1024, headTimeout: Duration = .seconds(10)) {
            self.maxHeadBytes = max(256, maxHeadBytes)
            self.headTimeout = headTimeout
        }
    }

    enum Refusal: String, CaseIterable, Sendable {
        case headerTooLarge = "header_too_large"
        case headerTimeout = "header_timeout"
    }

    private enum State {
        /// Reading a head: its bytes so far (at most the limit).
        case head
        /// Skipping this many body bytes.
        case body(Int)
        /// Upgraded or chunked: the rest of the connection is not guarded.
        case passThrough
        case refused
    }

    private let limits: Limits
    private let refused: @Sendable (Refusal) -> Void
    private var state = State.head
    private var head: [UInt8] = []
    private var timer: Scheduled<Void>?

    init(limits: Limits, refused: @escaping @Sendable (Refusal) -> Void) {
        self.limits = limits
        self.refused = refused
    }

    func channelActive(context: ChannelHandlerContext) {
        armTimer(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .refused = state { return }
        scan(unwrapInboundIn(data), context: context)
        if case .refused = state { return }
        context.fireChannelRead(data)
    }

    /// Walks the bytes through the framing; refuses on an oversized head.
    private func scan(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        var view = buffer.readableBytesView[...]
        while !view.isEmpty {
            switch state {
            case .passThrough, .refused:
                return
            case .body(let n):
                let k = min(n, view.count)
                view = view.dropFirst(k)
                state = n - k == 0 ? .head : .body(n - k)
            case .head:
                if head.isEmpty, timer == nil { armTimer(context) }
                guard let b = view.first else { return }
                view = view.dropFirst()
                head.append(b)
                if head.count >= 4, head[head.count - 4 ..< head.count].elementsEqual([13, 10, 13, 10]) {
                    headDone()
                } else if head.count > limits.maxHeadBytes {
                    refuse(context, .headerTooLarge, status: "431 Request Header Fields Too Large")
                    return
                }
            }
        }
    }

    /// A head ended: what follows it.
    private func headDone() {
        timer?.cancel()
        timer = nil
        let text = String(decoding: head, as: UTF8.self).lowercased()
        head.removeAll(keepingCapacity: true)
        var length = 0, chunked = false, upgrade = false
        for line in text.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch name {
            case "content-length": length = Int(value) ?? 0
            case "transfer-encoding": chunked = chunked || value.contains("chunked")
            case "upgrade": upgrade = true
            default: break
            }
        }
        if upgrade || chunked { state = .passThrough } else { state = length > 0 ? .body(length) : .head }
    }

    private func armTimer(_ context: ChannelHandlerContext) {
        let (s, atto) = limits.headTimeout.components
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)) {
            let (me, context) = loopBound.value
            guard case .head = me.state else { return }
            me.refuse(context, .headerTimeout, status: "408 Request Timeout")
        }
    }

    private func refuse(_ context: ChannelHandlerContext, _ reason: Refusal, status: String) {
        state = .refused
        timer?.cancel()
        timer = nil
        refused(reason)
        let response = "HTTP/1.1 \(status)\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

/// Hummingbird's HTTP/1 + WebSocket-upgrade child channel with an ``HTTPHeadGuard`` in front of
/// its decoder (Hummingbird's own extra handlers sit after the decoder, too late for heads).
struct GuardedHTTPChannel<Base: HTTPChannelHandler>: HTTPChannelHandler {
    typealias Value = Base.Value
    let base: Base
    let limits: HTTPHeadGuard.Limits
    let refused: @Sendable (HTTPHeadGuard.Refusal) -> Void

    var responder: Responder { base.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let limits = self.limits, refused = self.refused
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(HTTPHeadGuard(limits: limits, refused: refused))
        }.flatMap { base.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
