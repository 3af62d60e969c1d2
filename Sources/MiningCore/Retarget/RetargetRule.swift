/// One block's timing as a retarget rule sees it.
///
/// `dt` is the interval to the parent in seconds (`(time − parentTime)/1000`, spec §6); it may be
/// zero, negative or non-finite — each rule documents what it does with such samples.
/// `skipped` is the number of block intervals the sample stands for (1 normally); rules read it as
/// `m = max(1, skipped)`.
///
/// A chain's header times are integer milliseconds: `init(dtMs:)` keeps them exact for the integer
/// rule `asert-v1`, which otherwise rounds `dt` to the nearest millisecond; the `Double` rules read
/// `dt` either way.
public struct RetargetSample: Sendable, Hashable {
    public var dt: Double
    public var skipped: Int
    /// The exact interval in ms, when the sample comes from header times.
    public var dtMs: Int64?

    @inlinable
    public init(dt: Double, skipped: Int = 1) {
        self.dt = dt
        self.skipped = skipped
        self.dtMs = nil
    }

    /// A sample of two header times: `dt = dtMs / 1000` seconds, `dtMs` kept exact.
    @inlinable
    public init(dtMs: Int64, skipped: Int = 1) {
        self.dt = Double(dtMs) / 1000
        self.skipped = skipped
        self.dtMs = dtMs
    }

    /// `m = max(1, skipped)`: how many block intervals this sample covers.
    @inlinable
    public var intervals: Int { max(1, skipped) }
}

/// A difficulty (Θ) retarget rule: a pure step function over a small value-type state.
///
/// The rule itself holds only parameters; everything that changes per block lives in `State`, so
/// a simulator can keep thousands of chains with one rule value, and the devnet node can persist the
/// state. No clocks, no I/O: the caller supplies every interval.
///
/// Θ is in µ-nats of *log-work*: a block needs `H(u) + Σψ ≥ Θ` with `H` exponential (mean 1 nat),
/// so the expected number of hashes per block is `e^(Θ/10^6)` and multiplying the work per block
/// by `f` is `Δ = ln f · 10^6`. Rules written for linear difficulty (Bitcoin's window, ASERT) are
/// adapted through this identity.
public protocol RetargetRule: Sendable {
    associatedtype State: Sendable, Hashable

    /// The state before the first sample, with difficulty `theta0` (µ-nats).
    func initialState(theta0: Int64) -> State
    /// The state after one block with interval `sample`.
    func next(_ state: State, _ sample: RetargetSample) -> State
    /// The difficulty (µ-nats) the chain expects for the next block in `state`.
    func theta(of state: State) -> Int64
}

extension RetargetRule {
    /// Steps `state` in place and returns the new Θ.
    @inlinable
    @discardableResult
    public func step(_ state: inout State, _ sample: RetargetSample) -> Int64 {
        state = next(state, sample)
        return theta(of: state)
    }

    /// Θ after each sample, starting from `theta0` (the start value is not included).
    public func thetas<S: Sequence>(theta0: Int64, samples: S) -> [Int64] where S.Element == RetargetSample {
        var state = initialState(theta0: theta0)
        var out: [Int64] = []
        out.reserveCapacity(samples.underestimatedCount)
        for s in samples { out.append(step(&state, s)) }
        return out
    }
}

/// Helpers shared by the rules: the conversions from a `Double` schedule value to integer µ-nats.
@usableFromInline
enum RetargetMath {
    /// `roundHalfEven(x)` as `Int64`, clamped to `[lo, hi]` *before* conversion, so no input can
    /// trap (a NaN maps to `nanValue`).
    @inlinable @inline(__always)
    static func roundClamped(_ x: Double, lo: Int64, hi: Int64, nanValue: Int64) -> Int64 {
        if x.isNaN { return nanValue }
        let r = x.rounded(.toNearestOrEven)
        if r <= Double(lo) { return lo }
        if r >= Double(hi) { return hi }
        return Int64(r)
    }
}
