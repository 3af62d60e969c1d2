/// The caps of spec §5 — per proof, per type (with the escort rule) and Γ — and the exact
/// `downscale` that distributes a cap over the values it binds.
public struct CapsPolicy: Sendable, Equatable, Hashable {
    /// Γ, µ-nats.
    public var gammaCapMicro: Int64
    /// Escort share q, ppm.
    public var escortQPpm: Int64
    public var perProofCap: PerType<Int64>
    public var perTypeCap: PerType<Int64>
    /// Most proofs of each type in a block (block validity and selection; credit ignores it).
    public var maxProofs: PerType<Int64>

    public init(gammaCapMicro: Int64, escortQPpm: Int64, perProofCap: PerType<Int64>, perTypeCap: PerType<Int64>,
                maxProofs: PerType<Int64> = PerType(repeating: Int64.max)) {
        self.gammaCapMicro = gammaCapMicro
        self.escortQPpm = escortQPpm
        self.perProofCap = perProofCap
        self.perTypeCap = perTypeCap
        self.maxProofs = maxProofs
    }

    /// `min(perTypeCap, floor(Γ·(10^6 − q)/10^6))` (§5 step 2) in 128-bit arithmetic; negative
    /// inputs count as 0 so the result is never negative.
    @inlinable
    public static func effectiveTypeCap(perTypeCap: Int64, gammaCapMicro: Int64, escortQPpm: Int64) -> Int64 {
        let q = min(max(escortQPpm, 0), 1_000_000)
        let g = max(gammaCapMicro, 0)
        let escort = Int64((Int128(g) * Int128(1_000_000 - q)) / 1_000_000)
        return max(0, min(perTypeCap, escort))
    }

    /// The effective cap of `type`.
    @inlinable public func effectiveTypeCap(_ type: ProofType) -> Int64 {
        Self.effectiveTypeCap(perTypeCap: perTypeCap[type], gammaCapMicro: gammaCapMicro, escortQPpm: escortQPpm)
    }
}

/// Exact, order-independent scaling of integer values to a target sum (§5 `downscale`).
public enum Downscale {
    /// `downscale(values, target, ids)`: if `target ≤ 0` or the total is ≤ 0, all zeros; if the
    /// total equals the target, unchanged; else each positive value becomes `trunc(v·scale)`
    /// (`scale = Double(target)/Double(total)`) and the `remaining = target − Σbase` units go, one
    /// each, to the entries ordered by fractional part descending, then id bytes descending, then
    /// index ascending. The id and index tie-breaks make the result independent of input order
    /// up to the same permutation (distinct ids).
    public static func apply(_ values: [Int64], target: Int64, ids: [[UInt8]]) -> [Int64] {
        precondition(values.count == ids.count, "one id per value")
        var out = values
        apply(to: &out, indices: Array(values.indices), target: target, id: { ids[$0] })
        return out
    }

    /// The sum `apply` leaves in `values` (its per-value values depend on the ids; their sum does
    /// not), in O(n) without allocating: callers that need only a stage's total — the simulator's
    /// one-type selection — get exactly what `Credit.compute` would sum.
    @inlinable
    public static func total<C: Collection>(of values: C, target: Int64) -> Int64 where C.Element == Int64 {
        var total: Int128 = 0
        for v in values { total += Int128(v) }
        if target <= 0 || total <= 0 { return 0 }
        if total == Int128(target) { return target }
        // The same correctly rounded conversion, through Int64 when the total fits: the generic
        // Int128 → Double path of the standard library was most of this function's cost.
        let scale = Double(target) / (Int64(exactly: total).map { Double($0) } ?? Double(total))
        var baseSum: Int128 = 0
        for v in values where v > 0 { baseSum += Int128(scaled(v, scale).base) }
        let remaining = Int128(target) - baseSum
        guard remaining > 0 else { return Int64(baseSum) }
        // `apply` adds one unit to `min(remaining, count)` entries.
        return Int64(baseSum + min(remaining, Int128(values.count)))
    }

    /// One positive value scaled: `trunc(v·scale)` (saturating) and the fractional part left.
    @inlinable @inline(__always)
    static func scaled(_ v: Int64, _ scale: Double) -> (base: Int64, frac: Double) {
        let x = Double(v) * scale
        let base = x < 9.223372036854775e18 ? Int64(x) : Int64.max
        return (base, x - Double(base))
    }

    /// In-place `downscale` of `values[indices]` (indices ascending = input order).
    static func apply(to values: inout [Int64], indices: [Int], target: Int64, id: (Int) -> [UInt8]) {
        var total: Int128 = 0
        for i in indices { total += Int128(values[i]) }
        if target <= 0 || total <= 0 {
            for i in indices { values[i] = 0 }
            return
        }
        if total == Int128(target) { return }
        let scale = Double(target) / Double(total)
        var fracs = [Double](repeating: 0, count: indices.count)
        var baseSum: Int128 = 0
        for (k, i) in indices.enumerated() {
            let v = values[i]
            if v > 0 {
                let (base, frac) = scaled(v, scale)
                fracs[k] = frac
                values[i] = base
                baseSum += Int128(base)
            } else {
                values[i] = 0
            }
        }
        let remaining = Int128(target) - baseSum
        guard remaining > 0 else { return }
        var order = Array(indices.indices)
        if remaining < Int128(order.count) {
            order.sort { a, b in
                if fracs[a] != fracs[b] { return fracs[a] > fracs[b] }
                let ia = id(indices[a]), ib = id(indices[b])
                if ia != ib { return ib.lexicographicallyPrecedes(ia) }
                return a < b
            }
            order.removeLast(order.count - Int(remaining))
        }
        for k in order { values[indices[k]] += 1 }
    }
}
