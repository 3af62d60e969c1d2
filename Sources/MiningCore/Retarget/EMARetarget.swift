#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The consensus Θ retarget of spec §6: an exponential moving average of log block intervals.
///
/// Per sample: ignore `dt ≤ 0` or non-finite; `α = 1 − 2^(−1/hl)`; `r = ln(dt / max(1e-9, T))`;
/// `m = max(1, skipped)`; `d = (1 − α)^m`; `ê = d·ema + (1 − d)·r`;
/// `target = roundHalfEven((τ − β·ê)·10^6)`; `Δ = clamp(target − Θ, ±step)`;
/// `Θ' = clamp(Θ + Δ, Θmin, Θmax)`; `τ = Θ'/10^6`, `ema = ê`.
///
/// Every operation is one IEEE `Double` operation in the order the spec writes it (no fused
/// multiply-add, `ln(dt/T)` rather than `ln dt − ln T`), because nodes must agree bit for bit; the
/// vectors in `retarget.json` pin this. The target is pulled *towards* `τ − β·ê`, i.e. relative to the
/// current Θ, so the rule is a damped controller: at `dt = T` it holds Θ still.
///
/// Beyond the spec (unreachable with sane parameters, documented in docs/decisions): a sample whose
/// `ê` comes out non-finite (e.g. `dt/T` overflowing to ∞) is ignored like a non-finite `dt`, and
/// the integer steps are clamped before conversion so no input can trap.
public struct EMARetarget: RetargetRule, Hashable {
    public struct Params: Sendable, Hashable, Codable {
        /// Target block interval, seconds.
        public var T: Double
        /// EMA half-life, in blocks.
        public var halfLife: Double
        /// Gain: how far one unit of log-interval error moves Θ, in nats.
        public var beta: Double
        /// Largest |ΔΘ| per block, µ-nats.
        public var step: Int64
        public var thetaMin: Int64
        public var thetaMax: Int64

        /// The v1.1 devnet chain's timing and Θ bounds (2 s, [1, 64] nats) with the `ema-v1` defaults
        /// of §6.1 (hl 24, β 0.75, step 400000). `retarget.json` pins the rule with Θmax 12000000.
        public static let devnet = Params(T: 2.0, halfLife: 24, beta: 0.75, step: 400_000,
                                          thetaMin: 1_000_000, thetaMax: 64_000_000)

        public init(T: Double = 2.0, halfLife: Double = 24, beta: Double = 0.75, step: Int64 = 400_000,
                    thetaMin: Int64 = 1_000_000, thetaMax: Int64 = 64_000_000) {
            self.T = T
            self.halfLife = halfLife
            self.beta = beta
            self.step = step
            self.thetaMin = thetaMin
            self.thetaMax = thetaMax
        }
    }

    public struct State: Sendable, Hashable {
        /// Θ, µ-nats.
        public var theta: Int64
        /// EMA of `ln(dt/T)`, nats.
        public var ema: Double

        public init(theta: Int64, ema: Double = 0) {
            self.theta = theta
            self.ema = ema
        }
    }

    public let params: Params
    // Precomputed once: these are pure functions of the parameters, so caching them changes no bit.
    @usableFromInline let oneMinusAlpha: Double
    @usableFromInline let tFloor: Double

    /// Validates the parameters (see ``RetargetConfigError``).
    public init(_ params: Params = .devnet) throws(RetargetConfigError) {
        try RetargetValidate.positive(params.T, "T")
        try RetargetValidate.positive(params.halfLife, "halfLife")
        try RetargetValidate.finite(params.beta, "beta")
        try RetargetValidate.range(params.step, "step")
        try RetargetValidate.bounds(params.thetaMin, params.thetaMax)
        self.params = params
        let alpha = 1 - pow(2, -1 / params.halfLife)
        self.oneMinusAlpha = 1 - alpha
        self.tFloor = Swift.max(1e-9, params.T)
    }

    /// The devnet rule (parameters known valid).
    public static let devnet = try! EMARetarget(.devnet)

    public func initialState(theta0: Int64) -> State {
        // Θ₀ is taken as given (the spec clamps only after a step); it is bounded to ±2^62 so the
        // step arithmetic cannot overflow.
        State(theta: RetargetValidate.saturate(theta0))
    }

    @inlinable
    public func next(_ state: State, _ sample: RetargetSample) -> State {
        let dt = sample.dt
        guard dt.isFinite, dt > 0 else { return state }
        let r = log(dt / tFloor)
        let m = sample.intervals
        let d = m == 1 ? oneMinusAlpha : pow(oneMinusAlpha, Double(m))
        let e = d * state.ema + (1 - d) * r
        guard e.isFinite else { return state }
        let tau = Double(state.theta) / 1e6
        let x = (tau - params.beta * e) * 1e6
        // clamp(target − Θ, ±step) + Θ == clamp(target, Θ − step, Θ + step); Θ and step are
        // validated ≤ 2^62, so the bounds cannot overflow.
        let stepped = RetargetMath.roundClamped(x, lo: state.theta - params.step, hi: state.theta + params.step,
                                                nanValue: state.theta)
        let theta = Swift.min(Swift.max(stepped, params.thetaMin), params.thetaMax)
        return State(theta: theta, ema: e)
    }

    @inlinable
    public func theta(of state: State) -> Int64 { state.theta }
}
