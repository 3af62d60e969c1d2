import MiningCore

/// A provider group's per-proof constants, read once from the scenario.
///
/// Why: `produce` runs for every proof (tens per block in the `ai` workload), and reading
/// `sc.providers[p]` copies a `ProviderGroup` — strings, a dictionary, distributions — with the
/// reference counting that goes with it. What a fixed distribution would yield is resolved here too.
struct ProviderPlan {
    let type: ProofType
    let count: Int
    let production: Scenario.Production
    let honest: Double
    let price: Double
    let validity: Double?
    /// `max(0, latency)` when the latency is fixed (its sample draws nothing), else `nil`.
    let fixedLatency: Double?
    /// The metrics when every draw is the same — all distributions fixed and the draw consumes no
    /// random numbers (a storage heartbeat does) — else `nil`. Their ψ_adj then depends on α only.
    let fixedMetrics: ProofMetrics?
    /// Every proof is the same and arrives at once: one member, fixed metrics, always honest,
    /// zero latency (what `ProviderParking` needs besides a fixed interval).
    var alike: Bool { count == 1 && fixedMetrics != nil && honest >= 1 && fixedLatency == 0 }

    init(_ pg: Scenario.ProviderGroup, metricDists: [Distribution]) {
        type = pg.type
        count = pg.count
        production = pg.production
        honest = pg.honest
        price = pg.price
        validity = pg.validity
        if case .fixed(let x) = pg.latency { fixedLatency = max(0, x) } else { fixedLatency = nil }
        var probe = StreamRNG(seed: 0, replication: 0, stream: 0)
        let allFixed = metricDists.allSatisfy { if case .fixed = $0 { true } else { false } }
        let m = allFixed ? MetricSpec.draw(pg.type, metricDists, &probe) : nil
        fixedMetrics = probe.counter == 0 ? m : nil
    }
}
