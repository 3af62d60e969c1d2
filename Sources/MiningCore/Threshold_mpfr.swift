import CMPFR

extension HashLuckContext {
    /// `X(t)` as 32 big-endian bytes, or `nil` if no `x` has `H(x) ≥ t`.
    ///
    /// `H(x) ≥ t` ⇔ `−ln((x+1)/2^256)·10^6 ≥ t − 0.5` (a tie cannot occur for `t ≥ 1`, see
    /// ``H(ofInteger:)``) ⇔ `x + 1 ≤ B = 2^256 · e^{−(t−0.5)/10^6}`, so `X(t) = ⌊B⌋ − 1`.
    /// The candidate is computed at 320 bits (error far below 1) and then *checked* with the exact
    /// `H`: step down while `H(c) < t`, step up while `H(c+1) ≥ t`. The steps make the result
    /// exact regardless of the candidate's error; in practice neither loop runs.
    public func X(t: Int64) -> [UInt8]? {
        if t <= 0 { return [UInt8](repeating: 0xff, count: 32) }
        if t > HashLuck.maxH { return nil }  // H(0) = maxH is the largest value H takes
        // e = (2t − 1) / (2·10^6), exact up to the rounding of the division.
        mpfr_set_si(e, Int(2 * t - 1), MPFR_RNDN)  // 2t − 1 < 2^29: exact
        mpfr_div_ui(e, e, 2_000_000, MPFR_RNDN)
        mpfr_neg(e, e, MPFR_RNDN)
        mpfr_exp(e, e, MPFR_RNDN)
        mpfr_mul_2si(e, e, 256, MPFR_RNDN)
        mpfr_get_z(w, e, MPFR_RNDD)  // ⌊B⌋
        __gmpz_sub_ui(w, w, 1)
        // Clamp the candidate to [0, 2^256 − 1] (t ≥ 1 gives B < 2^256 and t ≤ maxH gives B ≥ 1,
        // but the clamp keeps the loops below within range whatever the rounding did).
        if __gmpz_cmp_si(w, 0) < 0 { __gmpz_set_ui(w, 0) }
        if __gmpz_sizeinbase(w, 2) > 256 {
            __gmpz_set_ui(w, 1); __gmpz_mul_2exp(w, w, 256); __gmpz_sub_ui(w, w, 1)
        }
        while H(ofInteger: w) < t {
            if __gmpz_cmp_si(w, 0) == 0 { return nil }
            __gmpz_sub_ui(w, w, 1)
        }
        while true {
            __gmpz_add_ui(w, w, 1)
            if __gmpz_sizeinbase(w, 2) > 256 || H(ofInteger: w) < t {
                __gmpz_sub_ui(w, w, 1)
                break
            }
        }
        return exportBytes(w)
    }

    /// The 32 big-endian bytes of `0 ≤ v < 2^256`.
    func exportBytes(_ v: UnsafePointer<__mpz_struct>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var count = 0
        let size = __gmpz_sizeinbase(v, 256)
        precondition(size <= 32)
        out.withUnsafeMutableBufferPointer { buf in
            // Right-align: export into the tail so leading bytes stay zero.
            _ = __gmpz_export(buf.baseAddress! + (32 - size), &count, 1, 1, 1, 0, v)
        }
        // mpz_export writes nothing for zero (count 0); sizeinbase(0) is 1, leaving a zero byte.
        return out
    }
}
