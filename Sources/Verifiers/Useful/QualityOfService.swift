/// `qos` for AI and quantum proofs (spec section 8 leaves the formula open; documented in
/// docs/decisions/useful-verifiers.md):
///
///     qos = (successPermil / 1000) · min(1, latencyTargetMs / max(1, latencyMsP95))
///
/// with `latencyTargetMs = 2000`, the devnet block interval: a job whose 95th-percentile latency
/// fits in one block keeps full credit, a slower one loses credit in proportion.
public enum QualityOfService {
    public static let latencyTargetMs: Double = 2000
    public static let maxLatencyMs: UInt64 = 86_400_000  // one day: larger values are malformed

    public static func qos(latencyMsP95: UInt64, successPermil: UInt64) -> Double {
        let success = Double(min(successPermil, 1000)) / 1000
        let latency = min(1.0, latencyTargetMs / Double(max(1, latencyMsP95)))
        return success * latency
    }
}
