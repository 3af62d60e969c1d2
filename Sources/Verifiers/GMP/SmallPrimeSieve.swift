/// Cheap compositeness filter for HashToPrime's 128-bit candidates: divisibility by the odd primes
/// below 400, tested without division per prime (Granlund–Montgomery: `p | r` iff
/// `r·p⁻¹ mod 2^64 ≤ (2^64−1)/p`) after one 128-by-64-bit remainder per group of primes.
///
/// Why this is exact: `mpz_probab_prime_p` itself trial-divides by every prime below
/// `bits(c)²` (16384 for 128 bits) and returns 0 on a factor, so skipping candidates this sieve
/// rejects cannot change which counter HashToPrime stops at — it only skips work.
enum SmallPrimeSieve {
    struct Group {
        let product: UInt64
        let primes: [(inverse: UInt64, limit: UInt64)]
    }

    static let bound: UInt64 = 400

    static let groups: [Group] = {
        var odd: [UInt64] = []
        var q: UInt64 = 3
        while q < bound {
            if !odd.contains(where: { q % $0 == 0 }) { odd.append(q) }
            q += 2
        }
        var out: [Group] = []
        var product: UInt64 = 1
        var members: [(UInt64, UInt64)] = []
        for p in odd {
            let (m, overflow) = product.multipliedReportingOverflow(by: p)
            if overflow {
                out.append(Group(product: product, primes: members))
                product = p
                members = [entry(p)]
            } else {
                product = m
                members.append(entry(p))
            }
        }
        if !members.isEmpty { out.append(Group(product: product, primes: members)) }
        return out
    }()

    /// p⁻¹ mod 2^64 (Newton) and ⌊(2^64−1)/p⌋ for odd p.
    static func entry(_ p: UInt64) -> (UInt64, UInt64) {
        var x: UInt64 = 1
        for _ in 0..<6 { x = x &* (2 &- p &* x) }
        return (x, UInt64.max / p)
    }

    /// True when `hi·2^64 + lo` has an odd prime factor below ``bound`` (the value must exceed it).
    @inline(__always)
    static func hasSmallFactor(hi: UInt64, lo: UInt64) -> Bool {
        for g in groups {
            // (hi·2^64 + lo) mod P with hi reduced first so the quotient fits 64 bits.
            let r = g.product.dividingFullWidth((high: hi % g.product, low: lo)).remainder
            for (inv, limit) in g.primes where r &* inv <= limit {
                return true
            }
        }
        return false
    }
}
