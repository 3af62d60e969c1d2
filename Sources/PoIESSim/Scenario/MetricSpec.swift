import MiningCore

/// The metric names each proof type draws (spec §4's inputs), with defaults for optional ones.
enum MetricSpec {
    /// (name, default) — a `nil` default means the scenario must give it.
    static func keys(for type: ProofType) -> [(String, Distribution?)] {
        switch type {
        case .ai: return [("units", nil), ("qos", .fixed(1)), ("traps", .fixed(1)), ("redundancy", .fixed(1))]
        case .quantum: return [("units", nil), ("qos", .fixed(1)), ("traps", .fixed(1))]
        case .storage: return [("sizeGiB", nil), ("avail", .fixed(1)), ("retrieval", .fixed(0)), ("heartbeat", .fixed(1))]
        case .vdf: return [("iterations", nil)]
        case .hashShare: return [("dRatioPpm", nil)]
        }
    }

    /// Draws one proof's metrics. `heartbeat` is the probability the storage heartbeat is ok.
    static func draw(_ type: ProofType, _ d: [Distribution], _ rng: inout StreamRNG) -> ProofMetrics {
        switch type {
        case .ai:
            return .ai(units: max(0, d[0].sample(&rng)), qos: d[1].sample(&rng), traps: d[2].sample(&rng),
                       redundancy: max(0, d[3].sample(&rng)))
        case .quantum:
            return .quantum(units: max(0, d[0].sample(&rng)), qos: d[1].sample(&rng), traps: d[2].sample(&rng))
        case .storage:
            let size = max(0, d[0].sample(&rng)), avail = d[1].sample(&rng), retr = d[2].sample(&rng)
            let ok = rng.uniformOpen() < d[3].sample(&rng)
            return .storage(heartbeat: ok, sizeGiB: size, avail: avail, retrieval: retr)
        case .vdf:
            return .vdf(iterations: UInt64(max(0, min(9e18, d[0].sample(&rng).rounded()))))
        case .hashShare:
            return .hashShare(dRatioPpm: Int64(max(0, min(9e15, d[0].sample(&rng).rounded()))))
        }
    }
}
