/// `asert-v1`, the devnet's consensus retarget from spec v1.1 §6.2: absolutely scheduled
/// exponential retarget (ASERT) in log space, in integers only.
///
/// After Mark Lundeberg's DA-ASERT (2020) as deployed in Bitcoin Cash's aserti3-2d:
/// `target_n = target_a · 2^((t − t_a − T·(h − h_a)) / hl)`. Θ is log-work, so the exponential
/// becomes linear and needs no floating point at all — every platform computes the same bits:
///
///     e      = clamp(T_ms − dt_ms, −2^40, 2^40)
///     Θ(h+1) = clamp(Θ(h) + ⌊e · L / (hl_ms · 10^12)⌋, Θmin, Θmax),   L = ⌊ln 2 · 10^18⌋
///
/// `e · L` needs up to 100 bits and the divisor up to 80, so both are `Int128`; `⌊⌋` rounds
/// towards −∞. Per block steps add up (less one floor remainder each) to the absolute schedule,
/// so the long-run mean interval is `T`; at a bound the schedule error is forgotten.
///
/// The chain-level rule "block 1's interval to the fixed genesis time is not a sample" (§6.2:
/// `Θ(2) = Θ(1)`) belongs to the caller — the node skips it, the simulator (whose genesis is the
/// moment mining starts) does not; see docs/decisions/chain-documents.md.
public struct ASERTv1: RetargetRule, Hashable {
    public struct Params: Sendable, Hashable {
        /// Target block interval `T_ms` (1 … 2^31 − 1).
        public var targetBlockMs: Int64
        /// Schedule error that halves (or doubles) the work per block (1000 … 2^40 ms).
        public var halfLifeMs: Int64
        public var thetaMinMicro: Int64
        public var thetaMaxMicro: Int64

        /// The devnet chain (`devnet-chain.toml`): 2 s blocks, 48 s half-life, Θ ∈ [1, 64] nats.
        public static let devnet = Params(targetBlockMs: 2000, halfLifeMs: 48_000,
                                          thetaMinMicro: 1_000_000, thetaMaxMicro: 64_000_000)

        public init(targetBlockMs: Int64, halfLifeMs: Int64, thetaMinMicro: Int64, thetaMaxMicro: Int64) {
            self.targetBlockMs = targetBlockMs
            self.halfLifeMs = halfLifeMs
            self.thetaMinMicro = thetaMinMicro
            self.thetaMaxMicro = thetaMaxMicro
        }
    }

    /// Θ for the next block, µ-nats: the whole state (nothing accumulates outside Θ).
    public typealias State = Int64

    /// `⌊ln 2 · 10^18⌋`.
    public static let ln2E18: Int128 = 693_147_180_559_945_309
    /// The schedule error of one sample is clamped to ±2^40 ms (≈ 35 years).
    public static let errorLimitMs: Int64 = 1 << 40
    public static let targetBlockMsRange: ClosedRange<Int64> = 1...Int64(Int32.max)
    public static let halfLifeMsRange: ClosedRange<Int64> = 1000...(1 << 40)

    public let params: Params
    @usableFromInline let divisor: Int128

    /// Validates the parameters: the ranges of §6.2 and `0 ≤ Θmin ≤ Θmax ≤ 2^62`.
    public init(_ params: Params = .devnet) throws(RetargetConfigError) {
        guard Self.targetBlockMsRange.contains(params.targetBlockMs) else {
            throw .invalid(key: "targetBlockMs", expected: "an integer in 1…\(Int32.max) (milliseconds)")
        }
        guard Self.halfLifeMsRange.contains(params.halfLifeMs) else {
            throw .invalid(key: "halfLifeMs", expected: "an integer in 1000…\(1 << 40) (milliseconds)")
        }
        try RetargetValidate.bounds(params.thetaMinMicro, params.thetaMaxMicro,
                                    keys: ("thetaMinMicro", "thetaMaxMicro"))
        self.params = params
        self.divisor = Int128(params.halfLifeMs) * 1_000_000_000_000
    }

    /// The devnet rule (parameters known valid).
    public static let devnet = try! ASERTv1(.devnet)

    /// `Θ(1) = clamp(Θ₀, Θmin, Θmax)`.
    public func initialState(theta0: Int64) -> Int64 { clamp(theta0) }

    /// Θ after a block whose interval to its parent is `dtMs` (signed milliseconds), covering
    /// `intervals` block intervals (1 on a chain; the schedule then expects `intervals · T`).
    @inlinable
    public func next(_ theta: Int64, dtMs: Int64, intervals: Int = 1) -> Int64 {
        let expected = Int128(params.targetBlockMs) * Int128(Swift.max(1, intervals))
        let limit = Int128(Self.errorLimitMs)
        let e = Swift.min(Swift.max(expected - Int128(dtMs), -limit), limit)
        let step = Self.floorDiv(e * Self.ln2E18, divisor)  // |step| < 2^50
        return clamp(Int64(clamping: Int128(theta) + step))
    }

    /// Steps with a sample's integer milliseconds when it has them (the node), else with `dt`
    /// seconds rounded to the nearest millisecond (the simulator, whose clock is continuous). A
    /// non-finite `dt` is no sample.
    @inlinable
    public func next(_ state: Int64, _ sample: RetargetSample) -> Int64 {
        if let ms = sample.dtMs { return next(state, dtMs: ms, intervals: sample.intervals) }
        guard sample.dt.isFinite else { return state }
        let ms = (sample.dt * 1000).rounded(.toNearestOrEven)
        let limit = Double(Self.errorLimitMs) * 2  // beyond this the error clamp decides anyway
        return next(state, dtMs: Int64(Swift.min(Swift.max(ms, -limit), limit)), intervals: sample.intervals)
    }

    public func theta(of state: Int64) -> Int64 { state }

    @inlinable
    func clamp(_ theta: Int64) -> Int64 { Swift.min(Swift.max(theta, params.thetaMinMicro), params.thetaMaxMicro) }

    /// `⌊a / b⌋` for `b > 0` (Swift's `/` truncates towards zero).
    @inlinable
    static func floorDiv(_ a: Int128, _ b: Int128) -> Int128 {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }
}
