/// Absolutely scheduled exponential retarget (ASERT), adapted to log-difficulty (research rule).
///
/// After Mark Lundeberg, "Static difficulty adjustment, with absolutely scheduled exponentially
/// rising targets (DA-ASERT)" (2020), as deployed in Bitcoin Cash's aserti3-2d
/// (BCH specification "ASERT Difficulty Adjustment Algorithm (aserti3-2d)", Nov 2020 upgrade):
/// `target_n = target_anchor · 2^((t_n − t_anchor − T·(h_n − h_anchor)) / halfLife)`.
/// A target is inverse work, and Θ is log-work in µ-nats, so the exponential becomes linear:
///
///     Θ_n = clamp(Θ_anchor + roundHalfEven((T·blocks − elapsed) · k), Θmin, Θmax),
///     k   = (ln 2 · 10^6) / halfLife
///
/// with `blocks` and `elapsed` (seconds) counted since the anchor (the initial state). Blocks that
/// come faster than the ideal schedule raise Θ; every `halfLife` seconds behind schedule halves the
/// work per block (−ln 2 nats). aserti3-2d needs an integer cubic approximation of `2^x` for
/// cross-platform determinism; in log space only one IEEE multiply remains, which is deterministic.
/// The state is absolute (no accumulated rounding): Θ depends only on the totals.
///
/// Samples: `m = max(1, skipped)` blocks are counted and every finite `dt` is added to `elapsed` —
/// including zero and negative ones, since the sum telescopes to the time since the anchor, which is
/// what ASERT uses. A non-finite `dt` (or one that makes `elapsed` non-finite) is ignored entirely.
public struct ASERTRetarget: RetargetRule, Hashable {
    public struct Params: Sendable, Hashable, Codable {
        /// Target block interval, seconds.
        public var T: Double
        /// Seconds of schedule error that halve (or double) the work per block.
        public var halfLife: Double
        public var thetaMin: Int64
        public var thetaMax: Int64

        /// Devnet-flavoured defaults: T and Θ bounds as spec §6; half-life 48 s (24 blocks of T,
        /// matching the EMA rule's 24-block half-life).
        public static let devnet = Params()

        public init(T: Double = 2.0, halfLife: Double = 48, thetaMin: Int64 = 1_000_000,
                    thetaMax: Int64 = 12_000_000) {
            self.T = T
            self.halfLife = halfLife
            self.thetaMin = thetaMin
            self.thetaMax = thetaMax
        }
    }

    public struct State: Sendable, Hashable {
        /// Θ for the next block (cached so `theta(of:)` is free).
        public var theta: Int64
        /// Θ at the anchor.
        public var anchorTheta: Int64
        /// Blocks since the anchor.
        public var blocks: Int64
        /// Seconds since the anchor (sum of the intervals).
        public var elapsed: Double

        public init(theta: Int64, anchorTheta: Int64, blocks: Int64 = 0, elapsed: Double = 0) {
            self.theta = theta
            self.anchorTheta = anchorTheta
            self.blocks = blocks
            self.elapsed = elapsed
        }
    }

    public let params: Params
    @usableFromInline let k: Double

    public init(_ params: Params = .devnet) throws(RetargetConfigError) {
        try RetargetValidate.positive(params.T, "T")
        try RetargetValidate.positive(params.halfLife, "halfLife")
        try RetargetValidate.bounds(params.thetaMin, params.thetaMax)
        self.params = params
        self.k = (0.693_147_180_559_945_3 * 1e6) / params.halfLife
    }

    /// The anchor is the initial state: Θ₀ as given (the first step clamps it into bounds).
    public func initialState(theta0: Int64) -> State {
        let t = RetargetValidate.saturate(theta0)
        return State(theta: t, anchorTheta: t)
    }

    public func next(_ state: State, _ sample: RetargetSample) -> State {
        let elapsed = state.elapsed + sample.dt
        guard elapsed.isFinite else { return state }
        let (blocks, overflow) = state.blocks.addingReportingOverflow(Int64(sample.intervals))
        guard !overflow else { return state }
        let ahead = (params.T * Double(blocks) - elapsed) * k
        let delta = RetargetMath.roundClamped(ahead, lo: -RetargetValidate.intLimit, hi: RetargetValidate.intLimit,
                                              nanValue: 0)
        let theta = Swift.min(Swift.max(state.anchorTheta + delta, params.thetaMin), params.thetaMax)
        return State(theta: theta, anchorTheta: state.anchorTheta, blocks: blocks, elapsed: elapsed)
    }

    public func theta(of state: State) -> Int64 { state.theta }
}
