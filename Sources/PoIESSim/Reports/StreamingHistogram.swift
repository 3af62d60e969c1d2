/// A one-pass histogram of non-negative values with a fixed number of equal bins over `[0, upper)`
/// whose range doubles (merging neighbouring bins pairwise) whenever a value falls past it.
///
/// Why: `simctl report` reads `blocks.csv` once and cannot know the largest interval in advance.
/// The first value `v` sets `upper = 2v`; after any number of doublings the largest value seen is
/// at least `upper / 2`, so at least half of the bins cover data, and memory is O(bins).
public struct StreamingHistogram: Sendable, Equatable {
    public private(set) var counts: [Int]
    /// Exclusive upper edge of the last bin (0 until the first positive value).
    public private(set) var upper: Double = 0
    public private(set) var total = 0
    public private(set) var sum = 0.0
    public private(set) var maximum = 0.0
    /// Values equal to zero that arrived before any positive value (kept for bin 0).
    private var leadingZeros = 0

    public init(bins: Int) {
        precondition(bins >= 2 && bins % 2 == 0, "bins must be even and at least 2")
        counts = Array(repeating: 0, count: bins)
    }

    public var binCount: Int { counts.count }
    public var binWidth: Double { upper / Double(counts.count) }
    public var mean: Double { total > 0 ? sum / Double(total) : .nan }

    /// Adds one value; negative and non-finite values are ignored (the caller filters them).
    public mutating func add(_ v: Double) {
        guard v.isFinite, v >= 0 else { return }
        total += 1
        sum += v
        maximum = max(maximum, v)
        if upper == 0 {
            if v == 0 { leadingZeros += 1; return }
            upper = 2 * v
            counts[0] += leadingZeros
            leadingZeros = 0
        }
        while v >= upper { doubleRange() }
        let i = min(Int(v / binWidth), counts.count - 1)
        counts[i] += 1
    }

    private mutating func doubleRange() {
        let n = counts.count
        var merged = Array(repeating: 0, count: n)
        for i in 0..<(n / 2) { merged[i] = counts[2 * i] + counts[2 * i + 1] }
        counts = merged
        upper *= 2
    }

    /// Bin `i`'s edges.
    public func edges(_ i: Int) -> (lower: Double, upper: Double) {
        (Double(i) * binWidth, Double(i + 1) * binWidth)
    }

    /// The counts including any zeros seen before the first positive value (then `upper` is 0).
    public var finalCounts: [Int] {
        var c = counts
        c[0] += leadingZeros
        return c
    }
}

/// Reduces a long series to at most `2 × buckets` points by keeping each bucket's minimum and
/// maximum (in the order they occurred), so spikes survive the downsampling. Buckets are equal
/// spans of `x` (time) that double like ``StreamingHistogram`` when `x` runs past the range; `x`
/// must be non-decreasing. Memory is O(buckets).
public struct MinMaxDownsampler: Sendable {
    public struct Bucket: Sendable, Equatable {
        public var minX: Double, minY: Double
        public var maxX: Double, maxY: Double

        mutating func absorb(_ o: Bucket) {
            if o.minY < minY { minX = o.minX; minY = o.minY }
            if o.maxY > maxY { maxX = o.maxX; maxY = o.maxY }
        }
    }

    public let bucketLimit: Int
    private var buckets: [Bucket?]
    public private(set) var origin: Double?
    public private(set) var span = 0.0
    public private(set) var count = 0
    /// Points that arrived before `x` moved away from the origin (span still unknown).
    private var head: Bucket?

    public init(maxPoints: Int) {
        precondition(maxPoints >= 4 && maxPoints % 4 == 0, "maxPoints must be a positive multiple of 4")
        bucketLimit = maxPoints / 2
        buckets = Array(repeating: nil, count: bucketLimit)
    }

    public mutating func add(x: Double, y: Double) {
        guard x.isFinite, y.isFinite else { return }
        count += 1
        let point = Bucket(minX: x, minY: y, maxX: x, maxY: y)
        guard let o = origin else { origin = x; head = point; return }
        if span == 0 {
            if x == o { head!.absorb(point); return }
            span = 2 * (x - o)
            buckets[0] = head
            head = nil
        }
        while x - o >= span { doubleSpan() }
        let i = min(Int((x - o) / (span / Double(bucketLimit))), bucketLimit - 1)
        if buckets[i] == nil { buckets[i] = point } else { buckets[i]!.absorb(point) }
    }

    private mutating func doubleSpan() {
        var merged = [Bucket?](repeating: nil, count: bucketLimit)
        for i in 0..<(bucketLimit / 2) {
            switch (buckets[2 * i], buckets[2 * i + 1]) {
            case (nil, nil): break
            case (let a?, nil): merged[i] = a
            case (nil, let b?): merged[i] = b
            case (var a?, let b?): a.absorb(b); merged[i] = a
            }
        }
        buckets = merged
        span *= 2
    }

    /// The kept points in x order (at most `maxPoints`).
    public var points: [(x: Double, y: Double)] {
        var out: [(Double, Double)] = []
        let all = head.map { [$0] } ?? buckets.compactMap { $0 }
        for b in all {
            if b.minX == b.maxX && b.minY == b.maxY {
                out.append((b.minX, b.minY))
            } else if b.minX <= b.maxX {
                out.append((b.minX, b.minY)); out.append((b.maxX, b.maxY))
            } else {
                out.append((b.maxX, b.maxY)); out.append((b.minX, b.minY))
            }
        }
        return out
    }
}
