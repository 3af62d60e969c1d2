/// A complete binary sum tree over `n` non-negative weights: O(log n) update and O(log n)
/// weighted choice. Parents are recomputed from their children on each update (not adjusted by
/// deltas, as a Fenwick tree would), so the total never drifts however many updates happen.
struct SumTree {
    private(set) var leafCount: Int
    private var node: [Double]  // node[1] is the root; leaves at [size, size + n)
    private let size: Int

    init(count n: Int) {
        leafCount = n
        var s = 1
        while s < max(1, n) { s <<= 1 }
        size = s
        node = Array(repeating: 0, count: 2 * s)
    }

    var total: Double { node[1] }

    subscript(i: Int) -> Double { node[size + i] }

    mutating func set(_ i: Int, _ w: Double) {
        var k = size + i
        node[k] = w
        k >>= 1
        while k >= 1 {
            node[k] = node[2 * k] + node[2 * k + 1]
            k >>= 1
        }
    }

    /// The leaf whose cumulative interval holds `r ∈ [0, total)`; never a zero-weight leaf.
    func find(_ r: Double) -> Int {
        var k = 1
        var r = r
        // Branch-free descent (the direction is a coin flip per level, so branches mispredict half
        // the time): the same comparisons and subtractions as `if r < l || right <= 0 { left }`.
        node.withUnsafeBufferPointer { nd in
            while k < size {
                let l = nd[2 * k]
                let right = !(r < l || nd[2 * k + 1] <= 0)
                r = right ? r - l : r
                k = 2 * k + (right ? 1 : 0)
            }
        }
        // Rounding can land on a zero leaf at an edge: step to the nearest positive one.
        var i = k - size
        if node[k] <= 0 {
            var j = i
            while j > 0 && node[size + j] <= 0 { j -= 1 }
            if node[size + j] > 0 { i = j } else {
                j = i
                while j < leafCount - 1 && node[size + j] <= 0 { j += 1 }
                i = j
            }
        }
        return i
    }
}
