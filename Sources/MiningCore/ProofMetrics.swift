/// What a verifier extracts from a valid proof (spec section 4's inputs), the only thing the ψ
/// mapping sees. Verifiers produce these; the simulator draws them from distributions.
public enum ProofMetrics: Sendable, Equatable, Hashable {
    /// `d_ratio_ppm = floor(H·10^6/Θ)` of an extra hash share.
    case hashShare(dRatioPpm: Int64)
    /// Units of work, quality of service and trap success in [0, 1], redundancy ≥ 0.
    case ai(units: Double, qos: Double, traps: Double, redundancy: Double)
    case quantum(units: Double, qos: Double, traps: Double)
    case storage(heartbeat: Bool, sizeGiB: Double, avail: Double, retrieval: Double)
    /// Number of sequential squarings `T`.
    case vdf(iterations: UInt64)

    public var type: ProofType {
        switch self {
        case .hashShare: return .hashShare
        case .ai: return .ai
        case .quantum: return .quantum
        case .storage: return .storage
        case .vdf: return .vdf
        }
    }
}
