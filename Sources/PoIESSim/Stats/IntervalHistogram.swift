/// Block intervals (as multiples of the target) on log-spaced bins, so median and p95 of any
/// number of blocks need a fixed 184 KB, not O(blocks) memory.
///
/// Accuracy: bins are `1.001`-spaced from 10^-6 to 10^4 target intervals and a quantile is the
/// geometric middle of its bin, so a reported median or p95 is within ±0.05% of the exact
/// nearest-rank quantile (intervals outside the range report the range's edge; the max is exact).
public struct IntervalHistogram: Sendable, Equatable {
    static let lo = 1e-6
    static let ratio = 1.001
    static let logRatio = Foundation_log(ratio)
    static let binCount = Int((Foundation_log(1e4 / lo) / logRatio).rounded(.up)) + 1

    public private(set) var counts: [UInt32]
    public private(set) var total: Int = 0

    public init() { counts = Array(repeating: 0, count: Self.binCount) }

    @inline(__always)
    mutating func add(ratioToTarget x: Double) {
        let b: Int
        if x <= Self.lo { b = 0 } else {
            b = min(Self.binCount - 1, Int(Foundation_log(x / Self.lo) / Self.logRatio) + 1)
        }
        counts[b] &+= 1
        total += 1
    }

    mutating func merge(_ o: IntervalHistogram) {
        for i in 0..<counts.count where o.counts[i] != 0 { counts[i] &+= o.counts[i] }
        total += o.total
    }

    /// Nearest-rank quantile `q ∈ (0, 1]` in target intervals (0 when empty).
    public func quantile(_ q: Double) -> Double {
        guard total > 0 else { return 0 }
        let rank = max(1, Int((q * Double(total)).rounded(.up)))
        var acc = 0
        for (i, c) in counts.enumerated() {
            acc += Int(c)
            if acc >= rank {
                if i == 0 { return Self.lo }
                // Bin i covers [lo·r^(i-1), lo·r^i): its geometric middle.
                return Self.lo * Foundation_exp((Double(i) - 0.5) * Self.logRatio)
            }
        }
        return 1e4
    }
}
