import Metrics
import Synchronization

/// The Stratum server's metrics (issue 6 names). Built from an injected `MetricsFactory` — the
/// node passes its Prometheus registry, tests a private one — so no global bootstrap is needed.
public final class StratumMetrics: Sendable {
    public static let rejectedLabel = "animica_miner_shares_rejected_total"
    public static let acceptedLabel = "animica_miner_shares_accepted_total"
    public static let latencyLabel = "animica_miner_submit_latency_seconds"
    public static let hashrateLabel = "animica_miner_hashrate_shares_per_sec"
    public static let sessionsLabel = "animica_stratum_connected_sessions"

    private let rejected: [ShareRejection: Counter]
    private let latency: Timer
    private let hashrate: Gauge
    private let sessions: Gauge
    /// `animica_stratum_connections_refused_total` by ``PeerRegistry/Refusal``.
    private let refusedConnections: [PeerRegistry.Refusal: Counter]
    private struct State { var sessions = 0; var accepted = 0; var lastRateAt: ContinuousClock.Instant?; var lastRateCount = 0 }
    private let state = Mutex(State())

    public init(factory: any MetricsFactory) {
        var r: [ShareRejection: Counter] = [:]
        for reason in ShareRejection.allCases {
            r[reason] = Counter(label: Self.rejectedLabel, dimensions: [("reason", reason.label)], factory: factory)
        }
        rejected = r
        latency = Timer(label: Self.latencyLabel, dimensions: [], factory: factory)
        hashrate = Gauge(label: Self.hashrateLabel, dimensions: [], factory: factory)
        sessions = Gauge(label: Self.sessionsLabel, dimensions: [], factory: factory)
        var refused: [PeerRegistry.Refusal: Counter] = [:]
        for r in PeerRegistry.Refusal.allCases {
            refused[r] = Counter(label: "animica_stratum_connections_refused_total", dimensions: [("reason", r.rawValue)], factory: factory)
        }
        refusedConnections = refused
    }

    /// Metrics that go nowhere (benches, tools).
    public static func discarding() -> StratumMetrics { StratumMetrics(factory: NOOPMetricsHandler.instance) }

    func rejected(_ reason: ShareRejection) { rejected[reason]?.increment() }
    func refused(_ reason: PeerRegistry.Refusal) { refusedConnections[reason]?.increment() }

    /// Counts an accepted share for the session count and the share-rate gauge. The accepted and
    /// rejected share counters themselves belong to the provider (the node counts every
    /// transport's shares once, by `transport`); this type counts only what the provider never
    /// sees: the server's own rate-limit, authorization and subscription refusals.
    func accepted() {
        state.withLock { $0.accepted += 1 }
    }

    func submitLatency(_ d: Duration) {
        let (s, atto) = d.components
        latency.recordNanoseconds(s * 1_000_000_000 + atto / 1_000_000_000)
    }

    func sessionOpened() { sessions.record(state.withLock { $0.sessions += 1; return $0.sessions }) }
    func sessionClosed() { sessions.record(state.withLock { $0.sessions -= 1; return $0.sessions }) }

    /// Number of live sessions.
    public var connectedSessions: Int { state.withLock { $0.sessions } }
    /// Shares accepted since start.
    public var acceptedShares: Int { state.withLock { $0.accepted } }

    /// Updates the accepted-shares-per-second gauge from the count since the previous call.
    func sampleHashrate(now: ContinuousClock.Instant) {
        let rate: Double? = state.withLock { s in
            defer { s.lastRateAt = now; s.lastRateCount = s.accepted }
            guard let last = s.lastRateAt, now > last else { return nil }
            let (sec, atto) = (now - last).components
            return Double(s.accepted - s.lastRateCount) / (Double(sec) + Double(atto) * 1e-18)
        }
        if let rate { hashrate.record(rate) }
    }
}
