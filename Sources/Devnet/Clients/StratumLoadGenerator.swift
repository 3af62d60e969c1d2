import MiningCore
import NIOCore
import NIOPosix
import Synchronization

/// The load generator of `simctl bench stratum`: many Stratum sessions that submit real shares as
/// fast as a server answers them (or at a paced rate), measuring each submit → reply latency.
///
/// It speaks the same protocol as ``StratumClient`` (and reads server lines with the same
/// ``StratumClient/parseServerLine(_:)``) but runs each session as a handler on its event loop:
/// no task, continuation or thread hop per share. The generator shares the machine with the
/// server it measures, so every microsecond it saves is one the server gets — the bench then
/// measures the server, not the client.
///
///     let load = StratumLoadGenerator(port: p, sessions: 1000, plan: .init(perSession: 64))
///     try await load.connect()          // handshake, first job, nonces prepared
///     load.start(for: .seconds(10))     // all sessions at once
///     let stats = load.stats
public final class StratumLoadGenerator: Sendable {
    public struct Plan: Sendable {
        /// Valid nonces prepared per session before the timed window; 0: search on the fly (soak).
        public var perSession: Int
        /// Time between one session's submits; `nil`: back to back (closed loop).
        public var interval: Duration?

        public init(perSession: Int, interval: Duration? = nil) {
            self.perSession = perSession
            self.interval = interval
        }
    }

    public let host: String
    public let port: Int
    public let sessions: Int
    public let plan: Plan
    public let stats = LoadStats()
    private let group: any EventLoopGroup
    private let handlers = Mutex<[NIOLoopBound<StratumLoadSession>]>([])

    public init(host: String = "127.0.0.1", port: Int, sessions: Int, plan: Plan,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.host = host
        self.port = port
        self.sessions = sessions
        self.plan = plan
        self.group = eventLoopGroup
    }

    /// Opens every session and waits until each has subscribed, authorized, received a job and
    /// prepared its nonces. Sessions that fail are counted in ``LoadStats/failedSessions``.
    public func connect() async throws {
        var ready: [EventLoopFuture<Void>] = []
        for _ in 0..<sessions {
            let loop = group.next()
            let promise = loop.makePromise(of: Void.self)
            ready.append(promise.futureResult)
            do {
                _ = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { [plan, stats] ch in
                        ch.eventLoop.makeCompletedFuture {
                            let h = StratumLoadSession(plan: plan, stats: stats, ready: promise)
                            self.handlers.withLock { $0.append(NIOLoopBound(h, eventLoop: ch.eventLoop)) }
                            try ch.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineLength: 1 << 20)))
                            try ch.pipeline.syncOperations.addHandler(h)
                        }
                    }
                    .connect(host: host, port: port).get()
            } catch {
                promise.fail(error)
            }
        }
        for f in ready {
            do { try await f.get() } catch { stats.failedOne() }
        }
    }

    /// Every session starts submitting now and stops after `duration`.
    public func start(for duration: Duration) {
        let deadline = NIODeadline.now() + .nanoseconds(duration.nanoseconds)
        for h in handlers.withLock({ $0 }) {
            h.eventLoop.execute { h.value.start(until: deadline) }
        }
    }

    /// Closes every session.
    public func close() {
        for h in handlers.withLock({ $0 }) {
            h.eventLoop.execute { h.value.close() }
        }
    }
}

/// One session of ``StratumLoadGenerator``.
final class StratumLoadSession: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    private let plan: StratumLoadGenerator.Plan
    private let stats: LoadStats
    private var ready: EventLoopPromise<Void>?
    private var context: ChannelHandlerContext?
    private var extranonce1: UInt32 = 0
    private var pendingT: Int64 = 0
    private var prepared: ScanLoop.Prepared?
    /// The newest job seen (soak: adopted when the current one goes stale).
    private var latest: ExternalJob?
    private var nonces: [Nonce] = []
    private var counter: UInt64 = 0
    private var deadline: NIODeadline?
    private var nextId: Int64 = 10
    private var inflight: (id: Int64, sentAt: NIODeadline)?
    private var nextAt: NIODeadline = .now()

    init(plan: StratumLoadGenerator.Plan, stats: LoadStats, ready: EventLoopPromise<Void>) {
        self.plan = plan
        self.stats = stats
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func channelActive(context: ChannelHandlerContext) {
        let hello = StratumWire.request(id: 1, method: "mining.subscribe", ["animica-bench/1"])
            + StratumWire.request(id: 2, method: "mining.authorize", ["bench", "x"])
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: hello)), promise: nil)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready?.fail(ExternalWorkError.connectionClosed)
        ready = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        ready?.fail(error)
        ready = nil
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .line(let line) = unwrapInboundIn(data) else { return }
        switch StratumClient.parseServerLine(line.readableBytesView) {
        case .reply(let reply):
            guard case .int(let id) = reply.id else { return }
            if id == 1 {
                if let en1 = StratumClient.extranonce1(fromSubscribe: reply.result) { extranonce1 = en1 }
                return
            }
            guard let f = inflight, f.id == id else { return }
            inflight = nil
            let verdict: ShareVerdict = reply.error.map { .rejected(code: $0.code, message: $0.message) } ?? .accepted(isBlock: false)
            let ns = (NIODeadline.now() - f.sentAt).nanoseconds
            stats.record(verdict, latencyNanoseconds: ns)
            if plan.perSession == 0, case .rejected(21, _) = verdict, let job = latest { adopt(job) }
            submitNext()
        case .setDifficulty(let t):
            pendingT = t
        case .notify(let jobId, let template, let clean, _):
            let job = ExternalJob(jobId: jobId, template: template, tShareMicro: pendingT, cleanJobs: clean, extranonce1: extranonce1)
            latest = job
            guard prepared == nil else { return }
            adopt(job)
            if plan.perSession > 0 {
                nonces = (0..<plan.perSession).map { _ in nextValidNonce() }
                nonces.reverse()
            }
            ready?.succeed(())
            ready = nil
        case .ignored:
            break
        }
    }

    func start(until deadline: NIODeadline) {
        self.deadline = deadline
        if let interval = plan.interval {
            // Spread the sessions' phases evenly over one interval.
            nextAt = .now() + .nanoseconds(Int64(Double(interval.nanoseconds) * Double.random(in: 0..<1)))
        }
        submitNext()
    }

    func close() { context?.close(promise: nil) }

    private func adopt(_ job: ExternalJob) {
        prepared = ScanLoop.Prepared(job)
        counter = 0
    }

    private func nextValidNonce() -> Nonce {
        let p = prepared!
        while true {
            let n = Nonce(extranonce1: extranonce1, extranonce2: 0, counter: counter)
            counter &+= 1
            if Threshold.meets(p.x(n), p.threshold) { return n }
        }
    }

    private func submitNext() {
        guard let deadline, let context, inflight == nil, prepared != nil else { return }
        let now = NIODeadline.now()
        guard now < deadline else { return }
        if let interval = plan.interval {
            if now < nextAt {
                context.eventLoop.scheduleTask(deadline: nextAt) { [self] in submitNext() }
                return
            }
            nextAt = nextAt + .nanoseconds(interval.nanoseconds)
        }
        let nonce: Nonce
        if plan.perSession == 0 {
            nonce = nextValidNonce()
        } else if let n = nonces.popLast() {
            nonce = n
        } else {
            stats.exhaustedOne()
            self.deadline = nil
            return
        }
        nextId += 1
        let line = StratumWire.request(id: nextId, method: "mining.submit", [
            "bench", .string(prepared!.job.jobId), .string(StratumInbound.hex(UInt64(nonce.extranonce2), digits: 8)),
            .string(StratumInbound.hex(nonce.counter, digits: 16)),
        ])
        inflight = (nextId, .now())
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: line)), promise: nil)
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (s, a) = components
        return s * 1_000_000_000 + a / 1_000_000_000
    }
}

/// Counters and a fixed latency histogram (10 µs buckets up to 2 s), so memory stays flat.
public final class LoadStats: Sendable {
    private struct State {
        var accepted = 0, rejected = 0, exhausted = 0, failed = 0
        var buckets = [Int](repeating: 0, count: 200_001)
    }
    private let state = Mutex(State())

    public init() {}

    func record(_ v: ShareVerdict, latencyNanoseconds ns: Int64) {
        let bucket = min(200_000, max(0, Int(ns / 10_000)))
        state.withLock { st in
            if case .accepted = v { st.accepted += 1 } else { st.rejected += 1 }
            st.buckets[bucket] += 1
        }
    }

    func exhaustedOne() { state.withLock { $0.exhausted += 1 } }
    func failedOne() { state.withLock { $0.failed += 1 } }
    public var accepted: Int { state.withLock { $0.accepted } }
    public var rejected: Int { state.withLock { $0.rejected } }
    /// Sessions that used up their prepared nonces before the deadline.
    public var exhausted: Int { state.withLock { $0.exhausted } }
    /// Sessions that never got ready (connection refused or closed during the handshake).
    public var failedSessions: Int { state.withLock { $0.failed } }
    public var validated: Int { state.withLock { $0.accepted + $0.rejected } }

    /// p50, p99 and max in milliseconds.
    public func percentiles() -> (p50: Double, p99: Double, max: Double) {
        state.withLock { st in
            let total = st.buckets.reduce(0, +)
            guard total > 0 else { return (0, 0, 0) }
            func at(_ q: Double) -> Double {
                let target = Int((Double(total) * q).rounded(.up))
                var seen = 0
                for (i, c) in st.buckets.enumerated() {
                    seen += c
                    if seen >= target { return Double(i + 1) * 0.01 }
                }
                return 2000
            }
            let maxIndex = st.buckets.lastIndex(where: { $0 > 0 }) ?? 0
            return (at(0.5), at(0.99), Double(maxIndex + 1) * 0.01)
        }
    }
}
