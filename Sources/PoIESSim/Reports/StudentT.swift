import Foundation

/// Student's t distribution, enough for confidence intervals: the quantile is computed (not read
/// from a table) from the regularized incomplete beta function, so any number of degrees of
/// freedom gets its exact critical value (12.706 for 1 df, 2.262 for 9, → 1.960).
public enum StudentT {
    /// The two-sided critical value `t` with `P(|T| ≤ t) = confidence` for `df` degrees of freedom
    /// (`criticalValue(0.95, df: 9)` ≈ 2.2622). NaN when `df < 1`.
    public static func criticalValue(_ confidence: Double, df: Int) -> Double {
        guard df >= 1, confidence > 0, confidence < 1 else { return .nan }
        let alpha = 1 - confidence
        let nu = Double(df)
        // P(|T| > t) = I_x(ν/2, 1/2) with x = ν/(ν + t²), increasing in x: bisect on x.
        var lo = 0.0, hi = 1.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if regularizedBeta(mid, nu / 2, 0.5) < alpha { lo = mid } else { hi = mid }
            if hi - lo <= 1e-17 { break }
        }
        let x = (lo + hi) / 2
        return (nu * (1 - x) / x).squareRoot()
    }

    /// `I_x(a, b)` by the continued fraction of Numerical Recipes §6.4 (modified Lentz).
    public static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnBeta: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let lnPowers: Double = a * log(x) + b * log(1 - x)
        let lnFront = lnBeta + lnPowers
        if x < (a + 1) / (a + b + 2) {
            return exp(lnFront) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(lnFront) * betaContinuedFraction(1 - x, b, a) / b
    }

    static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300, eps = 1e-16
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let del = d * c
            h *= del
            if abs(del - 1) < eps { break }
        }
        return h
    }
}
