import CoreMetrics
import Metrics
import MiningCore
import Prometheus
import Synchronization

/// The node's and miner's metrics (swift-metrics API, rendered as Prometheus text).
///
/// The factory is injected, not bootstrapped into the process-global `MetricsSystem`, so every
/// test (and every node in one process) gets its own registry.
public final class NodeMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// The factory every metric of this node is made from (hand it to the Stratum server so both
    /// agree on histogram buckets in the shared registry).
    public let factory: any MetricsFactory

    public let hashrateSharesPerSec: CoreMetrics.Meter
    public let hashesPerSec: CoreMetrics.Meter
    public let submitLatency: CoreMetrics.Timer
    /// Accepted shares by transport (`local`, `stratum`, `ws`, `rpc`).
    let sharesAccepted: [WorkSource: CoreMetrics.Counter]
    /// Shares accepted in the stale grace after a new head (also in `sharesAccepted`).
    public let sharesStaleGrace: CoreMetrics.Counter
    /// Shares at least `tShare(Θ, K)` deep held as `hashshare:v1` proofs (shares accumulate).
    public let sharesAccumulated: CoreMetrics.Counter
    /// Blocks accepted by where the sealing share (or block) came from.
    let blocksAccepted: [WorkSource: CoreMetrics.Counter]
    public let blocksSealed: CoreMetrics.Counter
    public let blocksRejected: CoreMetrics.Counter
    public let chainHeight: CoreMetrics.Meter
    public let theta: CoreMetrics.Meter
    public let sessions: CoreMetrics.Meter
    /// Failed block-store writes (disk full, I/O errors).
    public let storageErrors: CoreMetrics.Counter
    /// 1 while the store takes writes, 0 while it does not (the node then issues no work).
    public let storageWritable: CoreMetrics.Meter
    let rejected: [ShareRejection: CoreMetrics.Counter]
    /// `animica_getwork_connections_refused_total` by ``PeerRegistry/Refusal``.
    let getworkRefusals: [PeerRegistry.Refusal: CoreMetrics.Counter]
    /// `animica_http_requests_refused_total` by ``HTTPHeadGuard/Refusal``.
    let httpRefusals: [HTTPHeadGuard.Refusal: CoreMetrics.Counter]
    let selected: [ProofType: CoreMetrics.Counter]
    /// Miners' own proofs (spec v1.1 §9): held now, by type, and how many sessions hold any.
    let held: [ProofType: CoreMetrics.Meter]
    public let proofSessions: CoreMetrics.Meter
    let proofsAcceptedByType: [ProofType: CoreMetrics.Counter]
    /// `animica_node_proofs_rejected_total{type,reason}`, made on first use (reasons are the
    /// verifiers' codes plus the node's own).
    let proofsRejectedByReason = Mutex<[String: CoreMetrics.Counter]>([:])
    /// Proofs in blocks sealed here, by type and whether the node or the miner's session brought them.
    let attached: [String: CoreMetrics.Counter]

    /// Metrics registered in `registry` (a fresh one by default).
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var f = PrometheusMetricsFactory(registry: registry)
        f.durationHistogramBuckets["animica_miner_submit_latency_seconds"] = [
            .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
            .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .seconds(1),
        ]
        factory = f
        hashrateSharesPerSec = CoreMetrics.Meter(label: "animica_miner_hashrate_shares_per_sec", factory: f)
        hashesPerSec = CoreMetrics.Meter(label: "animica_miner_hashes_per_sec", factory: f)
        submitLatency = CoreMetrics.Timer(label: "animica_miner_submit_latency_seconds", factory: f)
        var accepted: [WorkSource: CoreMetrics.Counter] = [:]
        var blocks: [WorkSource: CoreMetrics.Counter] = [:]
        for src in WorkSource.allCases {
            accepted[src] = CoreMetrics.Counter(label: "animica_miner_shares_accepted_total", dimensions: [("transport", src.rawValue)], factory: f)
            blocks[src] = CoreMetrics.Counter(label: "animica_chain_blocks_accepted_total", dimensions: [("source", src.rawValue)], factory: f)
        }
        sharesAccepted = accepted
        blocksAccepted = blocks
        sharesStaleGrace = CoreMetrics.Counter(label: "animica_miner_shares_stale_grace_total", factory: f)
        sharesAccumulated = CoreMetrics.Counter(label: "animica_miner_shares_accumulated_total", factory: f)
        blocksSealed = CoreMetrics.Counter(label: "animica_miner_blocks_sealed_total", factory: f)
        blocksRejected = CoreMetrics.Counter(label: "animica_chain_blocks_rejected_total", factory: f)
        chainHeight = CoreMetrics.Meter(label: "animica_chain_height", factory: f)
        theta = CoreMetrics.Meter(label: "animica_chain_theta_micro", factory: f)
        sessions = CoreMetrics.Meter(label: "animica_miner_connected_sessions", factory: f)
        storageErrors = CoreMetrics.Counter(label: "animica_node_storage_errors_total", factory: f)
        storageWritable = CoreMetrics.Meter(label: "animica_node_storage_writable", factory: f)
        storageWritable.set(1)
        var refused: [PeerRegistry.Refusal: CoreMetrics.Counter] = [:]
        for r in PeerRegistry.Refusal.allCases {
            refused[r] = CoreMetrics.Counter(label: "animica_getwork_connections_refused_total", dimensions: [("reason", r.rawValue)], factory: f)
        }
        getworkRefusals = refused
        var http: [HTTPHeadGuard.Refusal: CoreMetrics.Counter] = [:]
        for r in HTTPHeadGuard.Refusal.allCases {
            http[r] = CoreMetrics.Counter(label: "animica_http_requests_refused_total", dimensions: [("reason", r.rawValue)], factory: f)
        }
        httpRefusals = http
        var r: [ShareRejection: CoreMetrics.Counter] = [:]
        for c in ShareRejection.allCases {
            r[c] = CoreMetrics.Counter(label: "animica_miner_shares_rejected_total", dimensions: [("reason", c.label)], factory: f)
        }
        rejected = r
        var s: [ProofType: CoreMetrics.Counter] = [:]
        for t in ProofType.allCases {
            s[t] = CoreMetrics.Counter(label: "animica_miner_selected_proofs_total", dimensions: [("type", t.nullifierName)], factory: f)
        }
        selected = s
        var h: [ProofType: CoreMetrics.Meter] = [:]
        var acc: [ProofType: CoreMetrics.Counter] = [:]
        var att: [String: CoreMetrics.Counter] = [:]
        for t in ProofType.allCases {
            h[t] = CoreMetrics.Meter(label: "animica_node_proofs_held", dimensions: [("type", t.nullifierName)], factory: f)
            h[t]?.set(0)
            acc[t] = CoreMetrics.Counter(label: "animica_node_proofs_accepted_total", dimensions: [("type", t.nullifierName)], factory: f)
            for src in ["node", "session"] {
                att["\(t.nullifierName)/\(src)"] = CoreMetrics.Counter(label: "animica_node_proofs_attached_total",
                                                                       dimensions: [("type", t.nullifierName), ("source", src)], factory: f)
            }
        }
        held = h
        proofsAcceptedByType = acc
        attached = att
        proofSessions = CoreMetrics.Meter(label: "animica_node_proof_sessions", factory: f)
        proofSessions.set(0)
    }

    func proofsHeld(_ type: ProofType, _ n: Int) { held[type]?.set(n) }
    func proofAccepted(_ type: ProofType) { proofsAcceptedByType[type]?.increment() }
    func proofAttached(_ type: ProofType, fromSession: Bool) { attached["\(type.nullifierName)/\(fromSession ? "session" : "node")"]?.increment() }
    /// `type` nil: the envelope did not decode (`type="unknown"`).
    public func proofRejected(_ type: ProofType?, reason: String) {
        let name = type?.nullifierName ?? "unknown"
        let key = "\(name)/\(reason)"
        let f = factory
        let c = proofsRejectedByReason.withLock { m in
            if let c = m[key] { return c }
            let c = CoreMetrics.Counter(label: "animica_node_proofs_rejected_total",
                                        dimensions: [("type", name), ("reason", reason)], factory: f)
            m[key] = c
            return c
        }
        c.increment()
    }

    public func shareRejected(_ reason: ShareRejection) { rejected[reason]?.increment() }
    public func getworkRefused(_ reason: PeerRegistry.Refusal) { getworkRefusals[reason]?.increment() }
    func httpRefused(_ reason: HTTPHeadGuard.Refusal) { httpRefusals[reason]?.increment() }
    public func shareAccepted(_ source: WorkSource) { sharesAccepted[source]?.increment() }
    public func blockAccepted(_ source: WorkSource) { blocksAccepted[source]?.increment() }
    public func proofSelected(_ type: ProofType) { selected[type]?.increment() }

    /// Prometheus text exposition of every metric.
    public func render() -> String { registry.emitToString() }
}
