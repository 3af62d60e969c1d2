import MiningCore

extension ProofMetrics {
    /// The metrics as a JSON object with the field names of spec section 4 (what `simctl verify`
    /// prints under `metrics`).
    public var json: JSONValue {
        switch self {
        case .hashShare(let d): return ["d_ratio_ppm": .int(d)]
        case .ai(let units, let qos, let traps, let redundancy):
            return ["units": .double(units), "qos": .double(qos), "traps": .double(traps), "redundancy": .double(redundancy)]
        case .quantum(let units, let qos, let traps):
            return ["units": .double(units), "qos": .double(qos), "traps": .double(traps)]
        case .storage(let heartbeat, let sizeGiB, let avail, let retrieval):
            return ["heartbeat": .bool(heartbeat), "sizeGiB": .double(sizeGiB), "avail": .double(avail), "retrieval": .double(retrieval)]
        case .vdf(let t): return ["iterations": .int(Int64(clamping: t))]
        }
    }
}
