import MiningCore

/// What one replication measured after its warm-up; merged in replication order into a
/// `Summary`, so floating-point sums are the same whatever `--jobs` is.
public struct ReplicationStats: Sendable {
    public var replication: Int
    public var blocks = 0
    public var orphans = 0
    public var intervalSum = 0.0
    public var intervalSumSq = 0.0
    /// Σ ln(interval / target): the consensus EMA rule steers its mean to 0 (see `Summary`).
    public var logIntervalSum = 0.0
    public var intervalMax = 0.0
    /// Intervals longer than 6 target intervals (a retarget "stall" measure from the literature).
    public var intervalsAbove6x = 0
    public var histogram = IntervalHistogram()
    /// Credited ψ summed over blocks, µ-nats, by `ProofType.rawValue` (index 0 unused).
    public var psiCreditedByType = [Double](repeating: 0, count: 6)
    public var proofsProduced = 0
    public var proofsRejected = 0
    public var proofsAttached = 0
    public var maxCreditedMicro: Int64 = 0
    /// Counted blocks mined at Θ = the rule's lower / upper bound (see `Summary.thetaAtMinShare`).
    public var thetaAtMin = 0
    public var thetaAtMax = 0
    /// The rule's `[Θmin, Θmax]` (`nil` for `fixed`: no bounds, nothing counted).
    public let thetaBounds: ClosedRange<Int64>?
    public var groups: [GroupStats]
    public var endTime = 0.0

    public struct GroupStats: Sendable {
        public var name: String
        public var count: Int
        public var steady: Bool
        /// Hashes computed (∫ count·hashrate·mining dt), after warm-up.
        public var work = 0.0
        public var blocks = 0
        public var orphans = 0
        public var psiCreditedMicro = 0.0
        /// `blockReward` × canonical blocks.
        public var reward = 0.0
        /// Paid for proofs: market proofs attached plus own providers' production (`price`).
        public var proofSpend = 0.0
        /// Market proofs this group attached to blocks it found (canonical or not).
        public var marketProofs = 0
    }

    init(replication: Int, scenario: Scenario) {
        self.replication = replication
        thetaBounds = scenario.chain.thetaBounds
        groups = scenario.miners.map {
            GroupStats(name: $0.name, count: $0.count, steady: $0.strategy == .steady)
        }
    }

    @inline(__always)
    mutating func addInterval(_ dt: Double, target: Double) {
        intervalSum += dt
        intervalSumSq += dt * dt
        logIntervalSum += Foundation_log(max(dt, 1e-300) / target)
        if dt > intervalMax { intervalMax = dt }
        if dt > 6 * target { intervalsAbove6x += 1 }
        histogram.add(ratioToTarget: dt / target)
    }

    /// Counts a main-chain block's Θ against the rule's bounds.
    @inline(__always)
    mutating func addTheta(_ theta: Int64) {
        guard let b = thetaBounds else { return }
        if theta == b.lowerBound { thetaAtMin += 1 }
        if theta == b.upperBound { thetaAtMax += 1 }
    }
}
