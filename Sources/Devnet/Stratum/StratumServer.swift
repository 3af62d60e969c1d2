import Logging
import MiningCore
import NIOCore
import NIOPosix
import Synchronization

/// The Stratum server of spec §9 on SwiftNIO: TCP, one JSON-RPC 2.0 message per line (at most
/// ``Configuration/maxLineLength`` bytes), work from any ``WorkProvider``.
///
/// Each connection is a ``StratumConnectionHandler`` on its event loop: it runs a
/// ``StratumSession`` (the protocol decisions) and carries out its actions. A share is judged
/// right there (``WorkProvider/judgeShare(_:)``: a lock and a hash, no task, no thread hop), so a
/// reply costs one read and one write; only a block leaves the event loop to be sealed, and the
/// connection's later lines wait for it. Reads stop while a connection's replies are not being
/// drained, so a client that floods without reading only fills its own socket buffer. Errors are
/// caught per connection: a bad client never takes the server down.
///
///     let server = try await StratumServer.bind(provider: node, configuration: .init(port: 0))
///     print(server.localPort)
///     try await server.run()      // until the task is cancelled
public final class StratumServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var session: StratumSession.Configuration
        public var maxLineLength: Int
        /// Global token bucket over all submits.
        public var globalSubmitCapacity: Double
        public var globalSubmitRefillPerSecond: Double
        /// How often `animica_miner_hashrate_shares_per_sec` is sampled.
        public var hashrateSampleInterval: Duration
        /// A connection that has not subscribed and authorized within this time is closed.
        public var handshakeTimeout: Duration

        public init(host: String = "127.0.0.1", port: Int = 11333, session: StratumSession.Configuration = .init(),
                    maxLineLength: Int = 16 * 1024, globalSubmitCapacity: Double = 100_000,
                    globalSubmitRefillPerSecond: Double = 50_000, hashrateSampleInterval: Duration = .seconds(5),
                    handshakeTimeout: Duration = .seconds(30)) {
            self.host = host; self.port = port; self.session = session; self.maxLineLength = maxLineLength
            self.globalSubmitCapacity = globalSubmitCapacity
            self.globalSubmitRefillPerSecond = globalSubmitRefillPerSecond
            self.hashrateSampleInterval = hashrateSampleInterval
            self.handshakeTimeout = handshakeTimeout
        }
    }

    public var configuration: Configuration { core.configuration }
    public var metrics: StratumMetrics { core.metrics }
    private let core: StratumServerCore
    private let listener: any Channel

    /// The bound address (with the real port when `port` was 0).
    public let localAddress: SocketAddress
    public var localPort: Int { localAddress.port ?? configuration.port }

    private init(core: StratumServerCore, listener: any Channel) {
        self.core = core
        self.listener = listener
        self.localAddress = listener.localAddress!
    }

    /// Binds the listening socket (so the port is known before serving). `peers` holds the
    /// per-address caps, offences and bans; pass the registry the WebSocket endpoint uses too, so
    /// an address has one record across transports.
    public static func bind(provider: any WorkProvider, configuration: Configuration = .init(),
                            peers: PeerRegistry = PeerRegistry(),
                            metrics: StratumMetrics, logger: Logger = Logger(label: "animica.stratum"),
                            eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> StratumServer {
        let core = StratumServerCore(configuration: configuration, provider: provider, peers: peers, metrics: metrics, logger: logger)
        let maxLine = configuration.maxLineLength
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineLength: maxLine)))
                    try channel.pipeline.syncOperations.addHandler(StratumConnectionHandler(core: core))
                }
            }
            .bind(host: configuration.host, port: configuration.port).get()
        return StratumServer(core: core, listener: listener)
    }

    /// Serves until the calling task is cancelled (or the listener fails); then closes the
    /// listener and every connection.
    public func run() async throws {
        let listener = self.listener
        let core = self.core
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await core.forwardJobs() }
                group.addTask { await core.sampleHashrate() }
                try await listener.closeFuture.get()
                group.cancelAll()
            }
        } onCancel: {
            listener.close(promise: nil)
        }
        core.closeConnections()
    }
}

/// What every connection of one server shares: configuration, provider, metrics, the job fan-out,
/// extranonce allocation, the global submit bucket, the peer registry and the live connections.
final class StratumServerCore: Sendable {
    let configuration: StratumServer.Configuration
    let provider: any WorkProvider
    let peers: PeerRegistry
    let metrics: StratumMetrics
    let logger: Logger
    let jobs = JobBroadcaster()
    let extranonces = ExtranonceAllocator()
    private let globalBucket: Mutex<TokenBucket>
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    init(configuration: StratumServer.Configuration, provider: any WorkProvider, peers: PeerRegistry,
         metrics: StratumMetrics, logger: Logger) {
        self.configuration = configuration
        self.provider = provider
        self.peers = peers
        self.metrics = metrics
        self.logger = logger
        self.globalBucket = Mutex(TokenBucket(capacity: configuration.globalSubmitCapacity,
                                              refillPerSecond: configuration.globalSubmitRefillPerSecond))
    }

    func forwardJobs() async {
        for await job in await provider.jobUpdates() {
            jobs.publish(job)
        }
    }

    func sampleHashrate() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.hashrateSampleInterval)
            metrics.sampleHashrate(now: .now)
        }
    }

    func takeSubmitToken() -> Bool { globalBucket.withLock { $0.take(now: .now) } }

    func opened(_ channel: any Channel) { connections.withLock { $0[ObjectIdentifier(channel)] = channel } }
    func closed(_ channel: any Channel) { _ = connections.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }

    func closeConnections() {
        let all = connections.withLock { c in defer { c.removeAll() }; return Array(c.values) }
        for c in all { c.close(promise: nil) }
    }

    /// A session of `address` was closed for abuse: the registry decides whether that bans the
    /// address (``PeerRegistry``); either way it is logged with the count.
    func offence(_ address: String) {
        metrics.refused(.closedForAbuse)
        switch peers.offence(address) {
        case .closed(let n):
            logger.notice("stratum session closed for abuse", metadata: ["peer": "\(address)", "offences": "\(n)"])
        case .banned(let n):
            logger.notice("stratum peer banned", metadata: ["peer": "\(address)", "offences": "\(n)"])
        }
    }
}

/// One Stratum connection on its event loop (see ``StratumServer``).
final class StratumConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = LineFrame
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let core: StratumServerCore
    private var context: ChannelHandlerContext?
    private var session: StratumSession?
    private var extranonce1: UInt32?
    private var address = "?"
    private var subscription: Int?
    private var ticker: RepeatedTask?
    private var handshakeTimer: Scheduled<Void>?
    private var holdsSlot = false
    /// A block is being sealed: later lines wait in `backlog`, reads pause.
    private var sealing = false
    private var backlog = CircularBuffer<LineFrame>()
    private var readPending = false
    private var closing = false
    private var out = ""

    init(core: StratumServerCore) { self.core = core }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelActive(context: ChannelHandlerContext) {
        address = context.remoteAddress?.ipAddress ?? "?"
        if let refusal = core.peers.admit(address) {
            refuse(context, reason: refusal, message: core.peers.message(for: refusal))
            return
        }
        holdsSlot = true
        guard let en1 = core.extranonces.allocate() else {
            closing = true
            context.close(promise: nil)
            return
        }
        extranonce1 = en1
        session = StratumSession(extranonce1: en1, configuration: core.configuration.session)
        core.metrics.sessionOpened()
        core.opened(context.channel)
        let loop = context.eventLoop
        let me = NIOLoopBound(self, eventLoop: loop)
        let (id, current) = core.jobs.subscribe { job in
            loop.execute { me.value.newJob(job) }
        }
        subscription = id
        if let current { newJob(current) }
        // Vardiff hears about silence from the clock, not from shares.
        ticker = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in me.value.tick() }
        let timeout = core.configuration.handshakeTimeout
        handshakeTimer = loop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                             + timeout.components.attoseconds / 1_000_000_000)) {
            me.value.handshakeDeadline()
        }
        context.fireChannelActive()
    }

    /// Answers one error line and closes, counting why.
    private func refuse(_ context: ChannelHandlerContext, reason: PeerRegistry.Refusal, message: String) {
        closing = true
        core.metrics.refused(reason)
        let line = StratumWire.error(id: .null, code: ShareRejection.rateLimited.rawValue, message: message)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: line))).whenComplete { _ in
            context.close(promise: nil)
        }
    }

    private func handshakeDeadline() {
        guard !closing, let session, let context else { return }
        guard !session.subscribed || session.authorizedWorkers.isEmpty else { return }
        refuse(context, reason: .handshakeTimeout,
               message: "no mining.subscribe and mining.authorize within \(core.configuration.handshakeTimeout)")
    }

    func channelInactive(context: ChannelHandlerContext) {
        closing = true
        if let en1 = extranonce1 {
            extranonce1 = nil
            core.extranonces.release(en1)
            core.metrics.sessionClosed()
            core.closed(context.channel)
        }
        if let id = subscription { core.jobs.unsubscribe(id); subscription = nil }
        if let en1 = session?.extranonce1 {
            // Its held proofs go with it (their nullifiers are free for others again).
            let provider = core.provider
            Task { await provider.endSession(en1) }
        }
        if holdsSlot { holdsSlot = false; core.peers.release(address) }
        ticker?.cancel()
        ticker = nil
        handshakeTimer?.cancel()
        handshakeTimer = nil
        backlog.removeAll()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard !closing else { return }
        if sealing { backlog.append(frame); return }
        handle(frame)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        core.logger.debug("stratum session ended", metadata: ["peer": "\(address)", "error": "\(error)"])
        context.close(promise: nil)
    }

    /// Backpressure: no reads while a block is sealed or while replies are not being drained.
    func read(context: ChannelHandlerContext) {
        if sealing || !context.channel.isWritable { readPending = true } else { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading()
        context.fireChannelWritabilityChanged()
    }

    // MARK: - Session events

    private func handle(_ frame: LineFrame) {
        guard session != nil else { return }
        let now = ContinuousClock.now
        let message: StratumInbound
        switch frame {
        case .oversized:
            message = .invalid(id: .null, code: StratumErrorCode.invalidRequest,
                               message: "invalid request: line longer than \(core.configuration.maxLineLength) bytes")
        case .line(let buffer):
            if buffer.readableBytes == 0 { return }
            message = StratumInbound.parse(buffer.readableBytesView)
        }
        perform(session!.receive(message, now: now)[...], started: now)
    }

    private func newJob(_ job: MiningJob) {
        guard !closing, session != nil else { return }
        perform(session!.newJob(job, now: .now)[...], started: nil)
        flush()
    }

    private func tick() {
        guard !closing, session != nil else { return }
        let actions = session!.tick(now: .now)
        guard !actions.isEmpty else { return }
        perform(actions[...], started: nil)
        flush()
    }

    /// Carries out a session's actions in order; a submit's verdict feeds back into the session.
    private func perform(_ initial: ArraySlice<StratumSession.Action>, started: ContinuousClock.Instant?) {
        var actions = initial
        var submitted = false
        while let action = actions.popFirst(), !closing {
            switch action {
            case .reply(let id, let result):
                out += StratumWire.result(id: id, result)
            case .replyError(let id, let code, let message):
                out += StratumWire.error(id: id, code: code, message: message)
                if let r = ShareRejection(rawValue: code), r == .rateLimited || r == .unauthorized || r == .notSubscribed {
                    core.metrics.rejected(r)
                }
            case .submit(let id, let share):
                submitted = true
                guard core.takeSubmitToken() else {
                    // The provider never saw it: counted with the 26 reply.
                    actions.append(contentsOf: session!.shareResult(id: id, .failure(.rateLimited), now: .now))
                    continue
                }
                switch core.provider.judgeShare(share) {
                case .decided(let result):
                    if case .success = result { core.metrics.accepted() }
                    actions.append(contentsOf: session!.shareResult(id: id, result, now: .now))
                case .block(let block):
                    seal(block, id: id, then: Array(actions), started: started)
                    return
                }
            case .submitProof(let id, let json):
                submitProof(json, id: id, then: Array(actions))
                return
            case .setDifficulty(let t):
                out += StratumWire.setDifficulty(t)
            case .notify(let job):
                out += core.jobs.notifyLine(for: job)
            case .renotify(let job, let wireId):
                out += StratumWire.notify(job, jobId: wireId, clean: false)
            case .close(let until):
                if until != nil { core.offence(address) }
                close()
            }
        }
        if submitted, let started { core.metrics.submitLatency(.now - started) }
    }

    /// Leaves the event loop to seal a block; the connection's later lines wait for the verdict.
    private func seal(_ block: PendingBlock, id: JSONValue, then rest: [StratumSession.Action], started: ContinuousClock.Instant?) {
        guard let loop = context?.eventLoop else { return }
        sealing = true
        flush()
        let me = NIOLoopBound(self, eventLoop: loop)
        let provider = core.provider
        Task {
            let accepted = await provider.sealBlock(block)
            loop.execute { me.value.sealed(accepted, id: id, then: rest, started: started) }
        }
    }

    private func sealed(_ accepted: AcceptedShare, id: JSONValue, then rest: [StratumSession.Action], started: ContinuousClock.Instant?) {
        sealing = false
        guard !closing, session != nil else { return }
        core.metrics.accepted()
        perform((rest + session!.shareResult(id: id, .success(accepted), now: .now))[...], started: nil)
        if let started { core.metrics.submitLatency(.now - started) }
        while !sealing, !closing, let frame = backlog.popFirst() { handle(frame) }
        flush()
        resumeReading()
    }

    /// Leaves the event loop to verify a miner's own proof (spec v1.1 §9); later lines wait,
    /// as for a block, so replies keep their order.
    private func submitProof(_ json: JSONValue, id: JSONValue, then rest: [StratumSession.Action]) {
        guard let loop = context?.eventLoop, let e1 = session?.extranonce1 else { return }
        sealing = true
        flush()
        let me = NIOLoopBound(self, eventLoop: loop)
        let provider = core.provider
        Task {
            let result = await provider.submitProof(json, session: e1)
            loop.execute {
                me.value.sealing = false
                me.value.proofAnswered(result, id: id, then: rest)
                while !me.value.sealing, !me.value.closing, let frame = me.value.backlog.popFirst() { me.value.handle(frame) }
                me.value.flush()
                me.value.resumeReading()
            }
        }
    }

    private func proofAnswered(_ result: Result<HeldProof, ProofRefusal>, id: JSONValue, then rest: [StratumSession.Action]) {
        guard !closing, session != nil else { return }
        let valid: Bool?
        switch result {
        case .success(let held):
            out += StratumWire.result(id: id, held.json)
            valid = true
        case .failure(let r):
            out += StratumWire.error(id: id, code: r.code, message: r.message, data: r.data)
            valid = r.isInvalidWork ? false : nil
        }
        perform((rest + session!.proofResult(valid: valid, now: .now))[...], started: nil)
    }

    private func resumeReading() {
        guard readPending, !sealing, let context, context.channel.isWritable else { return }
        readPending = false
        context.read()
    }

    private func flush() {
        guard let context, !out.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: out)), promise: nil)
        out = ""
    }

    private func close() {
        guard !closing else { return }
        flush()
        closing = true
        core.logger.debug("stratum session closed by policy", metadata: ["peer": "\(address)"])
        context?.close(promise: nil)
    }
}

/// Hands out distinct 4-byte extranonce1 values to live sessions (0 is kept for solo mining).
final class ExtranonceAllocator: Sendable {
    private struct State { var next: UInt32 = 1; var live: Set<UInt32> = [] }
    private let state = Mutex(State())

    func allocate() -> UInt32? {
        state.withLock { s in
            guard s.live.count < Int(UInt32.max) - 1 else { return nil }
            while s.next == 0 || s.live.contains(s.next) { s.next &+= 1 }
            let v = s.next
            s.live.insert(v)
            s.next &+= 1
            return v
        }
    }

    func release(_ v: UInt32) { _ = state.withLock { $0.live.remove(v) } }
}

/// Fans the provider's jobs out to every connection and caches the current `mining.notify` line
/// (the same bytes for every session). Subscribers are callbacks (each hops to its connection's
/// event loop), so a job reaches every session without a task per connection.
final class JobBroadcaster: Sendable {
    typealias Deliver = @Sendable (MiningJob) -> Void
    private struct State {
        var current: (job: MiningJob, line: String)?
        var subscribers: [Int: Deliver] = [:]
        var nextId = 0
    }
    private let state = Mutex(State())

    func publish(_ job: MiningJob) {
        // A new connection starts on the common job, never on a session's own one; an own job's
        // line is written by its one session (`notifyLine(for:)`), not here for everyone.
        let line = job.owner == nil ? StratumWire.notify(job) : nil
        let subs = state.withLock { s in
            if let line { s.current = (job, line) }
            return Array(s.subscribers.values)
        }
        for deliver in subs { deliver(job) }
    }

    /// Registers `deliver` for every later job; returns its id and the current job.
    func subscribe(_ deliver: @escaping Deliver) -> (id: Int, current: MiningJob?) {
        state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.subscribers[id] = deliver
            return (id, s.current?.job)
        }
    }

    func unsubscribe(_ id: Int) { _ = state.withLock { $0.subscribers.removeValue(forKey: id) } }

    func notifyLine(for job: MiningJob) -> String {
        if let c = state.withLock({ $0.current }), c.job.jobId == job.jobId { return c.line }
        return StratumWire.notify(job)
    }
}
