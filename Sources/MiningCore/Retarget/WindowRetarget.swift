#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bitcoin-style fixed-window retarget, adapted to log-difficulty (research rule, not consensus).
///
/// Θ holds still inside a window; after every `window` blocks it moves by
/// `Δ = roundHalfEven(ln(expected / actual) · 10^6)` with `expected = blocks · T` and the window's
/// actual timespan clamped to `[expected / maxFactor, expected · maxFactor]` (Bitcoin: 4), then
/// `Θ' = clamp(Θ + Δ, Θmin, Θmax)`.
///
/// Why `ln`: Θ is log-work in µ-nats (expected hashes per block = `e^(Θ/10^6)`), so Bitcoin's
/// "multiply difficulty by expected/actual" is "add `ln(expected/actual)` nats"; the factor-4 clamp
/// bounds one adjustment to `±ln 4 · 10^6 ≈ ±1386294` µ-nats.
///
/// Samples: `m = max(1, skipped)` blocks are counted, and every finite `dt` is added to the window's
/// timespan — negative and zero ones too, because the sum of intervals telescopes to the timestamp
/// difference Bitcoin uses (a backdated block is made up for by its successor). A non-finite `dt`
/// (or one that would make the timespan non-finite) is ignored entirely. If `skipped` carries the
/// count past `window`, the window closes with `expected` for the blocks actually counted.
public struct WindowRetarget: RetargetRule, Hashable {
    public struct Params: Sendable, Hashable, Codable {
        /// Target block interval, seconds.
        public var T: Double
        /// Blocks per window.
        public var window: Int64
        /// Timespan clamp factor (Bitcoin 4).
        public var maxFactor: Double
        public var thetaMin: Int64
        public var thetaMax: Int64

        /// Devnet-flavoured defaults: T and Θ bounds of the v1.1 devnet chain; a 120-block (4-minute) window.
        public static let devnet = Params()

        public init(T: Double = 2.0, window: Int64 = 120, maxFactor: Double = 4,
                    thetaMin: Int64 = 1_000_000, thetaMax: Int64 = 64_000_000) {
            self.T = T
            self.window = window
            self.maxFactor = maxFactor
            self.thetaMin = thetaMin
            self.thetaMax = thetaMax
        }
    }

    public struct State: Sendable, Hashable {
        public var theta: Int64
        /// Blocks counted in the open window.
        public var blocks: Int64
        /// Sum of the window's intervals, seconds.
        public var elapsed: Double

        public init(theta: Int64, blocks: Int64 = 0, elapsed: Double = 0) {
            self.theta = theta
            self.blocks = blocks
            self.elapsed = elapsed
        }
    }

    public let params: Params

    public init(_ params: Params = .devnet) throws(RetargetConfigError) {
        try RetargetValidate.positive(params.T, "T")
        try RetargetValidate.range(params.window, "window", min: 1)
        guard params.maxFactor.isFinite, params.maxFactor >= 1 else {
            throw .invalid(key: "maxFactor", expected: "a finite number ≥ 1")
        }
        try RetargetValidate.bounds(params.thetaMin, params.thetaMax)
        self.params = params
    }

    public func initialState(theta0: Int64) -> State {
        State(theta: RetargetValidate.saturate(theta0))
    }

    public func next(_ state: State, _ sample: RetargetSample) -> State {
        let elapsed = state.elapsed + sample.dt
        guard elapsed.isFinite else { return state }
        let (sum, overflow) = state.blocks.addingReportingOverflow(Int64(sample.intervals))
        let blocks = overflow ? Int64.max : sum
        guard blocks >= params.window else { return State(theta: state.theta, blocks: blocks, elapsed: elapsed) }
        let expected = Double(blocks) * params.T
        let actual = Swift.min(Swift.max(elapsed, expected / params.maxFactor), expected * params.maxFactor)
        let delta = RetargetMath.roundClamped(log(expected / actual) * 1e6,
                                              lo: -RetargetValidate.intLimit, hi: RetargetValidate.intLimit,
                                              nanValue: 0)
        let theta = Swift.min(Swift.max(state.theta + delta, params.thetaMin), params.thetaMax)
        return State(theta: theta)
    }

    public func theta(of state: State) -> Int64 { state.theta }
}
