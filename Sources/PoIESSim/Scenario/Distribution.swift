/// A distribution of a non-negative real quantity (a metric, a latency, a delay, an interval).
///
/// In a scenario it is either a plain number (fixed) or an inline table:
/// `{ dist = "uniform", min = 0.5, max = 1 }`, `{ dist = "normal", mean = 1, sd = 0.2 }`,
/// `{ dist = "lognormal", mu = 0, sigma = 0.5 }`, `{ dist = "exponential", mean = 2 }`,
/// `{ dist = "choice", values = [1, 2, 4], weights = [1, 1, 2] }`.
/// Normal draws are not truncated; callers clamp where the quantity has a range (metrics are
/// clamped by the ψ mapping itself, delays at 0).
public enum Distribution: Sendable, Equatable {
    case fixed(Double)
    case uniform(min: Double, max: Double)
    case normal(mean: Double, sd: Double)
    case lognormal(mu: Double, sigma: Double)
    case exponential(mean: Double)
    case choice(values: [Double], cumulativeWeights: [Double])

    public static let names = ["fixed", "uniform", "normal", "lognormal", "exponential", "choice"]

    /// The mean (for summaries and tests).
    public var mean: Double {
        switch self {
        case .fixed(let x): return x
        case .uniform(let a, let b): return (a + b) / 2
        case .normal(let m, _): return m
        case .lognormal(let mu, let s): return Foundation_exp(mu + s * s / 2)
        case .exponential(let m): return m
        case .choice(let v, let c):
            var acc = 0.0, prev = 0.0
            for (x, w) in zip(v, c) { acc += x * (w - prev); prev = w }
            return acc / (c.last ?? 1)
        }
    }

    public var isZero: Bool { self == .fixed(0) }

    func sample(_ rng: inout StreamRNG) -> Double {
        switch self {
        case .fixed(let x): return x
        case .uniform(let a, let b): return a + (b - a) * rng.uniformOpen()
        case .normal(let m, let s): return m + s * rng.standardNormal()
        case .lognormal(let mu, let s): return Foundation_exp(mu + s * rng.standardNormal())
        case .exponential(let m): return m * -Foundation_log(rng.uniformOpen())
        case .choice(let v, let c):
            let r = rng.uniformOpen() * (c.last ?? 1)
            var i = 0
            while i < c.count - 1 && r >= c[i] { i += 1 }
            return v[i]
        }
    }
}
