import CMPFR

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact hash luck `H(x) = roundHalfEven(−ln((x+1)/2^256) · 10^6)` of spec section 3.
///
/// `H` decides consensus, so it must be exact: a `Double` gets the rounding wrong about once in
/// 10^9 draws. ``HashLuckContext`` evaluates it with MPFR and *proves* each rounding decision (see
/// ``HashLuckContext/H(x:)``). These static entry points use one cached context per thread, so
/// callers get value semantics and any number of threads may call them concurrently.
public enum HashLuck {
    /// `H(0)`, the largest possible hash luck (`256 · ln 2` nats).
    public static let maxH: Int64 = 177_445_678

    /// `H(x)` for `x` given as big-endian bytes (at most 32; shorter means leading zeros).
    public static func H(x: [UInt8]) -> Int64 {
        HashLuckContext.forCurrentThread.H(x: x)
    }
}

/// Pre-initialised MPFR/GMP scratch values for ``HashLuck`` and ``Threshold``.
///
/// Allocating `mpfr_t`s per call costs more than the logarithm itself, so a context keeps them.
/// It is a non-`Sendable` class on purpose: each thread owns its own (``forCurrentThread`` or an
/// explicit instance), and the compiler rejects sharing one across threads.
public final class HashLuckContext {
    /// Working precision of the fast path of `H`: 128 bits bound the error by 2^-98 µ-nats (see
    /// ``H(ofInteger:)``), so a random draw needs the slower path with probability ~2^-97.
    public let precision: Int

    /// Precision of the cached second attempt. Draws right at a threshold boundary (the `x` that
    /// ``X(t:)`` probes) sit within ~10^6·2^-256 ≈ 2^-236 of a `.5`, so it needs well over 266 bits.
    public let precisePrecision: Int

    /// Precision of the threshold candidate `2^256 · e^{−(t−0.5)/10^6}`: 256 bits of integer part
    /// plus 64 guard bits, so the candidate is off by far less than one.
    static let thresholdPrecision = 320

    let xi: UnsafeMutablePointer<__mpz_struct>  // the integer x, imported from bytes
    let z: UnsafeMutablePointer<__mpz_struct>  // x + 1
    let w: UnsafeMutablePointer<__mpz_struct>  // threshold candidate
    let e: UnsafeMutablePointer<__mpfr_struct>  // threshold scratch (thresholdPrecision bits)
    let fast: Scratch
    let precise: Scratch

    /// A value and its nearest integer at one precision.
    final class Scratch {
        let bits: Int
        let v: UnsafeMutablePointer<__mpfr_struct>  // −ln(u)·10^6
        let n: UnsafeMutablePointer<__mpfr_struct>  // its nearest integer
        init(bits: Int) {
            self.bits = bits
            v = .allocate(capacity: 1)
            n = .allocate(capacity: 1)
            mpfr_init2(v, mpfr_prec_t(bits))
            mpfr_init2(n, mpfr_prec_t(bits))
        }
        deinit {
            mpfr_clear(v); mpfr_clear(n)
            v.deallocate(); n.deallocate()
        }
    }

    public init(precision: Int = 128) {
        precondition(precision >= 64, "H needs at least 64 bits of working precision")
        self.precision = precision
        precisePrecision = max(512, 4 * precision)
        xi = .allocate(capacity: 1)
        z = .allocate(capacity: 1)
        w = .allocate(capacity: 1)
        __gmpz_init2(xi, 320)
        __gmpz_init2(z, 320)
        __gmpz_init2(w, 320)
        e = .allocate(capacity: 1)
        mpfr_init2(e, mpfr_prec_t(Self.thresholdPrecision))
        fast = Scratch(bits: precision)
        precise = Scratch(bits: precisePrecision)
    }

    deinit {
        mpfr_clear(e)
        __gmpz_clear(xi); __gmpz_clear(z); __gmpz_clear(w)
        e.deallocate()
        xi.deallocate(); z.deallocate(); w.deallocate()
    }

    /// `H(x)` for `x` given as big-endian bytes (at most 32).
    public func H(x: [UInt8]) -> Int64 {
        precondition(x.count <= 32, "x is a 256-bit integer: at most 32 bytes, got \(x.count)")
        x.withUnsafeBufferPointer { buf in
            // order 1 = most significant word first, size 1 byte, endian irrelevant, no nails.
            __gmpz_import(xi, buf.count, 1, 1, 1, 0, buf.baseAddress)
        }
        return H(ofInteger: xi)
    }

    /// `H` of the integer in `x` (0 ≤ x < 2^256); `x` is not modified and must not be `z`.
    ///
    /// Exactness argument. With working precision P and round-to-nearest:
    /// 1. `y = round(x + 1)` — relative error ≤ 2^-P (x + 1 is computed exactly in GMP first);
    /// 2. `u = y · 2^-256` — exact (exponent shift);
    /// 3. `l = round(ln u)` — MPFR rounds correctly: relative error ≤ 2^-P, and the error of step 1
    ///    adds an absolute ≤ 2^-P·(1+2^-P);
    /// 4. `v = round(−l · 10^6)` — relative error ≤ 2^-P.
    /// Since |ln u| ≤ 256 ln 2 < 177.5, |v − V| ≤ 10^6 · (177.5 · 2 · 2^-P + 2^-P) · (1 + 2^-P)
    /// < 3.6·10^8 · 2^-P < 2^(29−P) for the true value V. `n = rint(v)` (ties to even) is the
    /// correctly rounded `H` unless V could lie on the other side of a `.5` boundary, i.e. unless
    /// `0.5 − |v − n| ≤ 2^(30−P)` (one bit of slack). Then we retry at higher precision (the
    /// cached ``precisePrecision``, then 4× each time). V is a half-integer only if `ln u` is
    /// rational, which (Lindemann–Weierstrass) happens only for `u = 1`, where every step is
    /// exact and `H = 0`; so the retries always terminate.
    func H(ofInteger x: UnsafePointer<__mpz_struct>) -> Int64 {
        __gmpz_add_ui(z, x, 1)
        if let h = Self.roundedH(ofYIn: z, using: fast) { return h }
        if let h = Self.roundedH(ofYIn: z, using: precise) { return h }
        var bits = precisePrecision * 4
        while true {
            if let h = Self.roundedH(ofYIn: z, using: Scratch(bits: bits)) { return h }
            bits *= 4
        }
    }

    /// `roundHalfEven(−ln(y/2^256)·10^6)` if the working precision of `s` proves the rounding,
    /// else `nil`.
    static func roundedH(ofYIn y: UnsafePointer<__mpz_struct>, using s: Scratch) -> Int64? {
        let v = s.v, n = s.n
        mpfr_set_z(v, y, MPFR_RNDN)
        mpfr_mul_2si(v, v, -256, MPFR_RNDN)
        mpfr_log(v, v, MPFR_RNDN)
        mpfr_mul_ui(v, v, 1_000_000, MPFR_RNDN)
        mpfr_neg(v, v, MPFR_RNDN)
        mpfr_rint(n, v, MPFR_RNDN)  // nearest integer, ties to even
        // margin = 0.5 − |v − n|. v − n is exact (|v − n| ≤ 0.5 lies on v's ulp grid), and
        // 0.5 − |v − n| is exact whenever it is small (Sterbenz), the only case that matters.
        mpfr_sub(v, v, n, MPFR_RNDN)
        poies_mpfr_abs(v, v, MPFR_RNDN)
        mpfr_d_sub(v, 0.5, v, MPFR_RNDN)
        guard mpfr_cmp_ui_2exp(v, 1, mpfr_exp_t(30 - s.bits)) > 0 else { return nil }
        return Int64(mpfr_get_si(n, MPFR_RNDN))
    }
}

extension HashLuckContext {
    /// The calling thread's context, created on first use and released when the thread exits.
    ///
    /// A per-thread cache rather than a shared one: MPFR scratch values cannot be shared between
    /// threads, and a lock would serialise miners' verification threads.
    public static var forCurrentThread: HashLuckContext {
        if let p = pthread_getspecific(threadKey) {
            return Unmanaged<HashLuckContext>.fromOpaque(p).takeUnretainedValue()
        }
        // MPFR keeps caches (constants, exponent range) in globals unless built with thread-local
        // storage; Debian's and Homebrew's builds are. Refuse to share it across threads otherwise.
        precondition(mpfr_buildopt_tls_p() != 0, "MPFR is not built thread-safe (--enable-thread-safe)")
        let c = HashLuckContext()
        pthread_setspecific(threadKey, Unmanaged.passRetained(c).toOpaque())
        return c
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        let rc = pthread_key_create(&key) { p in
            guard let p = p as UnsafeMutableRawPointer? else { return }
            Unmanaged<HashLuckContext>.fromOpaque(p).release()
        }
        precondition(rc == 0, "pthread_key_create failed")
        return key
    }()
}
