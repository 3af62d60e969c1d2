import Logging
import MiningCore
import NIOCore
import NIOPosix
import Synchronization

/// The Stratum server of spec §9 on SwiftNIO: TCP, one JSON-RPC 2.0 message per line (at most
/// ``Configuration/maxLineLength`` bytes), work from any ``WorkProvider``.
///
/// Each connection runs a ``StratumSession`` (the protocol decisions) and carries out its actions;
/// errors are caught per connection, so a bad client never takes the server down. Lines are read
/// one at a time (a submit is answered before the next line is read), which keeps NIO's
/// backpressure: a client that floods only fills its own socket buffer.
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

        public init(host: String = "127.0.0.1", port: Int = 11333, session: StratumSession.Configuration = .init(),
                    maxLineLength: Int = 16 * 1024, globalSubmitCapacity: Double = 100_000,
                    globalSubmitRefillPerSecond: Double = 50_000, hashrateSampleInterval: Duration = .seconds(5)) {
            self.host = host; self.port = port; self.session = session; self.maxLineLength = maxLineLength
            self.globalSubmitCapacity = globalSubmitCapacity
            self.globalSubmitRefillPerSecond = globalSubmitRefillPerSecond
            self.hashrateSampleInterval = hashrateSampleInterval
        }
    }

    typealias Connection = NIOAsyncChannel<LineFrame, ByteBuffer>

    public let configuration: Configuration
    public let metrics: StratumMetrics
    private let provider: any WorkProvider
    private let logger: Logger
    private let listener: NIOAsyncChannel<Connection, Never>
    private let jobs = JobBroadcaster()
    private let extranonces = ExtranonceAllocator()
    private let globalBucket: Mutex<TokenBucket>
    private let bans = Mutex<[String: ContinuousClock.Instant]>([:])

    /// The bound address (with the real port when `port` was 0).
    public let localAddress: SocketAddress
    public var localPort: Int { localAddress.port ?? configuration.port }

    private init(configuration: Configuration, provider: any WorkProvider, metrics: StratumMetrics,
                 logger: Logger, listener: NIOAsyncChannel<Connection, Never>) {
        self.configuration = configuration
        self.provider = provider
        self.metrics = metrics
        self.logger = logger
        self.listener = listener
        self.localAddress = listener.channel.localAddress!
        self.globalBucket = Mutex(TokenBucket(capacity: configuration.globalSubmitCapacity,
                                              refillPerSecond: configuration.globalSubmitRefillPerSecond))
    }

    /// Binds the listening socket (so the port is known before serving).
    public static func bind(provider: any WorkProvider, configuration: Configuration = .init(),
                            metrics: StratumMetrics, logger: Logger = Logger(label: "animica.stratum"),
                            eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> StratumServer {
        let maxLine = configuration.maxLineLength
        let listener = try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maxLineLength: maxLine)))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return StratumServer(configuration: configuration, provider: provider, metrics: metrics, logger: logger, listener: listener)
    }

    /// Serves until the calling task is cancelled (or the listener fails).
    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.forwardJobs() }
            group.addTask { await self.sampleHashrate() }
            try await listener.executeThenClose { inbound in
                for try await connection in inbound {
                    group.addTask { await self.serve(connection) }
                }
            }
            group.cancelAll()
        }
    }

    // MARK: - Jobs

    private func forwardJobs() async {
        for await job in await provider.jobUpdates() {
            jobs.publish(job)
        }
    }

    private func sampleHashrate() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: configuration.hashrateSampleInterval)
            metrics.sampleHashrate(now: .now)
        }
    }

    // MARK: - Connections

    private struct Closing: Error {}

    private func serve(_ connection: Connection) async {
        let address = connection.channel.remoteAddress?.ipAddress ?? "?"
        if let until = bannedUntil(address) {
            _ = until
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(ByteBuffer(string: StratumWire.error(id: .null, code: ShareRejection.rateLimited.rawValue, message: "banned")))
            }
            return
        }
        guard let extranonce1 = extranonces.allocate() else {
            try? await connection.executeThenClose { _, _ in }
            return
        }
        metrics.sessionOpened()
        defer {
            extranonces.release(extranonce1)
            metrics.sessionClosed()
        }
        let session = LockedSession(StratumSession(extranonce1: extranonce1, configuration: configuration.session))
        do {
            try await connection.executeThenClose { inbound, outbound in
                let (updates, subscription) = jobs.subscribe()
                defer { jobs.unsubscribe(subscription) }
                try await withThrowingDiscardingTaskGroup { group in
                    group.addTask {
                        for await job in updates {
                            let actions = session.withLock { $0.newJob(job, now: .now) }
                            try await self.perform(actions, session: session, outbound: outbound, address: address)
                        }
                    }
                    // Vardiff hears about silence from the clock, not from shares.
                    group.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(1))
                            let actions = session.withLock { $0.tick(now: .now) }
                            if !actions.isEmpty { try await self.perform(actions, session: session, outbound: outbound, address: address) }
                        }
                    }
                    for try await frame in inbound {
                        let now = ContinuousClock.now
                        let message: StratumInbound
                        switch frame {
                        case .oversized:
                            message = .invalid(id: .null, code: StratumErrorCode.invalidRequest,
                                               message: "invalid request: line longer than \(configuration.maxLineLength) bytes")
                        case .line(let buffer):
                            if buffer.readableBytes == 0 { continue }
                            message = StratumInbound.parse(buffer.readableBytesView)
                        }
                        let actions = session.withLock { $0.receive(message, now: now) }
                        try await perform(actions, session: session, outbound: outbound, address: address, started: now)
                    }
                    group.cancelAll()
                }
            }
        } catch is Closing {
            logger.debug("stratum session closed by policy", metadata: ["peer": "\(address)"])
        } catch {
            logger.debug("stratum session ended", metadata: ["peer": "\(address)", "error": "\(error)"])
        }
    }

    /// Carries out a session's actions in order; submits feed their verdict back into the session.
    private func perform(_ initial: [StratumSession.Action], session: LockedSession,
                         outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, address: String,
                         started: ContinuousClock.Instant? = nil) async throws {
        var actions = initial[...]
        var out = ""
        var submitted = false
        var close = false
        while let action = actions.popFirst() {
            switch action {
            case .reply(let id, let result):
                out += StratumWire.result(id: id, result)
            case .replyError(let id, let code, let message):
                out += StratumWire.error(id: id, code: code, message: message)
                if let r = ShareRejection(rawValue: code), r == .rateLimited || r == .unauthorized || r == .notSubscribed {
                    metrics.rejected(r)
                }
            case .submit(let id, let share):
                submitted = true
                let allowed = globalBucket.withLock { $0.take(now: .now) }
                let result = allowed ? await provider.submitShare(share) : .failure(.rateLimited)
                // The provider counts its verdicts; a global-bucket refusal is counted with the
                // 26 reply below.
                if case .success = result { metrics.accepted() }
                actions.append(contentsOf: session.withLock { $0.shareResult(id: id, result, now: .now) })
            case .setDifficulty(let t):
                out += StratumWire.setDifficulty(t)
            case .notify(let job):
                out += jobs.notifyLine(for: job)
            case .renotify(let job, let wireId):
                out += StratumWire.notify(job, jobId: wireId, clean: false)
            case .close(let until):
                if let until { ban(address, until: until) }
                close = true
            }
        }
        if !out.isEmpty { try await outbound.write(ByteBuffer(string: out)) }
        if submitted, let started { metrics.submitLatency(.now - started) }
        if close { throw Closing() }
    }

    private func bannedUntil(_ address: String) -> ContinuousClock.Instant? {
        bans.withLock { b in
            guard let until = b[address] else { return nil }
            if until <= .now { b[address] = nil; return nil }
            return until
        }
    }

    private func ban(_ address: String, until: ContinuousClock.Instant) {
        logger.notice("stratum peer banned", metadata: ["peer": "\(address)"])
        bans.withLock { b in
            let now = ContinuousClock.now
            if b.count > 10_000 { b = b.filter { $0.value > now } }
            b[address] = until
        }
    }
}

/// A session shared by a connection's reader and its job forwarder.
final class LockedSession: Sendable {
    private let state: Mutex<StratumSession>
    init(_ s: StratumSession) { state = Mutex(s) }
    func withLock<R>(_ body: (inout StratumSession) -> R) -> R { state.withLock { body(&$0) } }
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
/// (the same bytes for every session).
final class JobBroadcaster: Sendable {
    private struct State {
        var current: (job: MiningJob, line: String)?
        var subscribers: [Int: AsyncStream<MiningJob>.Continuation] = [:]
        var nextId = 0
    }
    private let state = Mutex(State())

    func publish(_ job: MiningJob) {
        let line = StratumWire.notify(job)
        let subs = state.withLock { s in
            s.current = (job, line)
            return Array(s.subscribers.values)
        }
        for c in subs { c.yield(job) }
    }

    func subscribe() -> (AsyncStream<MiningJob>, Int) {
        let (stream, continuation) = AsyncStream<MiningJob>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id = state.withLock { s in
            let id = s.nextId
            s.nextId += 1
            s.subscribers[id] = continuation
            if let c = s.current { continuation.yield(c.job) }
            return id
        }
        return (stream, id)
    }

    func unsubscribe(_ id: Int) {
        let c = state.withLock { $0.subscribers.removeValue(forKey: id) }
        c?.finish()
    }

    func notifyLine(for job: MiningJob) -> String {
        if let c = state.withLock({ $0.current }), c.job.jobId == job.jobId { return c.line }
        return StratumWire.notify(job)
    }
}
