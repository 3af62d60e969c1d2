import CGMP

/// `b1^e1 · b2^e2 mod N` in one pass (Straus/Shamir with interleaved sliding windows) on GMP's public
/// `mpn` layer with Montgomery multiplication.
///
/// Why: a Wesolowski check is `π^ℓ · g^r` with two 128-bit exponents. Two `mpz_powm` calls pay 256
/// squarings; interleaving shares them (128 squarings plus ~26 multiplications per base with
/// 4-bit windows), and Montgomery reduction with a cached R² mod N avoids `powm`'s per-call
/// conversion divisions. All buffers are allocated once per workspace (up to 4096-bit moduli);
/// nothing allocates per call.
final class MontgomeryDoubleExp: @unchecked Sendable {
    static let maxLimbs = 64
    static let maxExponentBits = 256
    static let window = 4
    static let tableSize = 1 << (window - 1)  // odd powers b, b^3, …, b^15

    private(set) var limbs = 0
    private var invm: mp_limb_t = 0
    private var modulusBytes: [UInt8] = []
    private let modulus: UnsafeMutablePointer<mp_limb_t>
    private let r2: UnsafeMutablePointer<mp_limb_t>
    private let product: UnsafeMutablePointer<mp_limb_t>
    private let acc: UnsafeMutablePointer<mp_limb_t>
    private let tmp: UnsafeMutablePointer<mp_limb_t>
    private let table: UnsafeMutablePointer<mp_limb_t>
    /// Per exponent and bit position: the odd window value that ends there, or 0.
    private let schedule: UnsafeMutablePointer<UInt8>
    private let big = MPZ(bits: 8320)
    private let reduced = MPZ(bits: 4160)

    init() {
        let m = Self.maxLimbs
        modulus = .allocate(capacity: m)
        r2 = .allocate(capacity: m)
        product = .allocate(capacity: 2 * m)
        acc = .allocate(capacity: m)
        tmp = .allocate(capacity: m)
        table = .allocate(capacity: 2 * Self.tableSize * m)
        schedule = .allocate(capacity: 2 * Self.maxExponentBits)
    }

    deinit {
        for p in [modulus, r2, product, acc, tmp, table] { p.deallocate() }
        schedule.deallocate()
    }

    /// Loads an odd modulus (cached: R² mod N is recomputed only when N changes). False when N is
    /// even or too large, and the caller must use `mpz_powm`.
    func setModulus(_ n: MPZ, bytes: [UInt8]) -> Bool {
        if bytes == modulusBytes, limbs > 0 { return true }
        let size = Int(n.p.pointee._mp_size)
        guard size > 0, size <= Self.maxLimbs, poies_mpz_odd_p(n.p) != 0 else { return false }
        limbs = size
        modulusBytes = bytes
        copyLimbs(of: n, into: modulus)
        // invm = −N⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct bits).
        let n0 = modulus[0]
        var x: mp_limb_t = 1
        for _ in 0..<6 { x = x &* (2 &- n0 &* x) }
        invm = 0 &- x
        // R² mod N, R = 2^(64·limbs).
        __gmpz_set_ui(big.p, 1)
        __gmpz_mul_2exp(big.p, big.p, mp_bitcnt_t(128 * size))
        __gmpz_mod(reduced.p, big.p, n.p)
        copyLimbs(of: reduced, into: r2)
        return true
    }

    /// `b1^e1 · b2^e2 mod N == y`, with `b1, b2, y < N` already loaded in `MPZ`s.
    func doubleExpEquals(_ b1: MPZ, _ e1: MPZ, _ b2: MPZ, _ e2: MPZ, y: MPZ) -> Bool {
        let n = limbs
        let bits = max(e1.bitCount, e2.bitCount)
        precondition(bits <= Self.maxExponentBits, "exponent too large for the window schedule")
        for (j, (base, e)) in [(b1, e1), (b2, e2)].enumerated() {
            buildTable(base, into: table + j * Self.tableSize * n)
            buildSchedule(e, bits: bits, into: schedule + j * Self.maxExponentBits)
        }
        var isOne = true
        var i = bits - 1
        while i >= 0 {
            if !isOne { montSqr(acc, acc) }
            for j in 0..<2 {
                let v = Int(schedule[j * Self.maxExponentBits + i])
                if v == 0 { continue }
                let entry = table + (j * Self.tableSize + (v - 1) / 2) * n
                if isOne {
                    acc.update(from: entry, count: n)
                    isOne = false
                } else {
                    montMul(acc, acc, entry)
                }
            }
            i -= 1
        }
        // Leave Montgomery form: REDC(acc) = acc·R⁻¹ (fully reduced).
        if isOne {
            acc.update(repeating: 0, count: n)
            acc[0] = 1
        } else {
            product.update(from: acc, count: n)
            (product + n).update(repeating: 0, count: n)
            redc(into: acc)
        }
        copyLimbs(of: y, into: tmp)
        return __gmpn_cmp(acc, tmp, n) == 0
    }

    // MARK: - Montgomery arithmetic (all values < N, n limbs)

    /// `r = REDC(product)`; `product` (2n limbs, < N·R) is clobbered.
    private func redc(into r: UnsafeMutablePointer<mp_limb_t>) {
        let n = limbs
        for j in 0..<n {
            let q = product[j] &* invm
            product[j] = __gmpn_addmul_1(product + j, modulus, n, q)  // carry saved for the final add
        }
        let carry = __gmpn_add_n(r, product + n, product, n)
        if carry != 0 || __gmpn_cmp(r, modulus, n) >= 0 {
            _ = __gmpn_sub_n(r, r, modulus, n)
        }
    }

    private func montMul(_ r: UnsafeMutablePointer<mp_limb_t>, _ a: UnsafePointer<mp_limb_t>, _ b: UnsafePointer<mp_limb_t>) {
        __gmpn_mul_n(product, a, b, limbs)
        redc(into: r)
    }

    private func montSqr(_ r: UnsafeMutablePointer<mp_limb_t>, _ a: UnsafePointer<mp_limb_t>) {
        __gmpn_sqr(product, a, limbs)
        redc(into: r)
    }

    /// Odd powers `b·R, b³·R, …` of a base into `t` (tableSize × n limbs).
    private func buildTable(_ base: MPZ, into t: UnsafeMutablePointer<mp_limb_t>) {
        let n = limbs
        copyLimbs(of: base, into: tmp)
        montMul(t, tmp, r2)  // b·R
        montSqr(tmp, t)      // b²·R
        for k in 1..<Self.tableSize {
            montMul(t + k * n, t + (k - 1) * n, tmp)
        }
    }

    /// Sliding windows of at most `window` bits, each ending in a 1 bit: `s[lo] = value`.
    private func buildSchedule(_ e: MPZ, bits: Int, into s: UnsafeMutablePointer<UInt8>) {
        s.update(repeating: 0, count: bits)
        var i = e.bitCount - 1
        while i >= 0 {
            if __gmpz_tstbit(e.p, mp_bitcnt_t(i)) == 0 {
                i -= 1
                continue
            }
            var lo = max(i - Self.window + 1, 0)
            while __gmpz_tstbit(e.p, mp_bitcnt_t(lo)) == 0 { lo += 1 }
            var v = 0
            for k in stride(from: i, through: lo, by: -1) { v = v << 1 | Int(__gmpz_tstbit(e.p, mp_bitcnt_t(k))) }
            s[lo] = UInt8(v)
            i = lo - 1
        }
    }

    /// The value's limbs, zero-padded to n (the value must be < N).
    private func copyLimbs(of x: MPZ, into dst: UnsafeMutablePointer<mp_limb_t>) {
        let size = Int(abs(x.p.pointee._mp_size))
        precondition(size <= limbs)
        if size > 0 { dst.update(from: x.p.pointee._mp_d, count: size) }
        (dst + size).update(repeating: 0, count: limbs - size)
    }
}
