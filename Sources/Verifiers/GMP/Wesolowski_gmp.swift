import CGMP
import MiningCore

/// Wesolowski's VDF in an RSA group of unknown order (spec section 8), on GMP.
///
/// Verification costs two modular exponentiations with 128-bit exponents (`π^ℓ` and `g^r`,
/// `r = 2^T mod ℓ`) plus HashToPrime; proving costs `2T` modular multiplications.
/// Big integers cross this API as minimal big-endian bytes (the body's hex) or ``GMPInteger``.
public enum Wesolowski {
    /// v1's smallest delay: for T < 128, 2^T < ℓ makes π = 1, proving nothing (spec section 8).
    public static let minT: UInt64 = 256

    static let inputTag = Array("animica:vdf:input:v1".utf8)
    static let challengeTag = Array("animica:vdf:challenge:v1".utf8)

    /// `H2G(seed, N)`: SHA3-256(`animica:vdf:input:v1` ‖ seed ‖ u32(i)) for i = 0, 1, … concatenated
    /// until at least `bits(N) + 128` bits (whole digests), as an integer mod N. The 128 extra bits
    /// make the reduction's bias negligible.
    public static func hashToGroup(seed: [UInt8], modulus: GMPInteger) -> GMPInteger {
        let wantBits = modulus.bitWidth + 128
        var stream = [UInt8]()
        var i: UInt32 = 0
        while stream.count * 8 < wantBits {
            stream += SHA3_256.hash(parts: [inputTag, seed, bigEndian(i)])
            i += 1
        }
        let x = MPZ()
        x.set(bytes: stream)
        let out = MPZ()
        __gmpz_mod(out.p, x.p, modulus.storage.p)
        return GMPInteger(taking: out)
    }

    /// `ℓ = HashToPrime(LP(N) ‖ LP(g) ‖ LP(y) ‖ u64(T))` and the counter that produced it.
    public static func challenge(modulus: GMPInteger, g: GMPInteger, y: GMPInteger, T: UInt64) -> (ell: GMPInteger, counter: UInt64) {
        WesolowskiWorkspace.withPooled { w in
            let ctr = w.computeChallenge(n: modulus.bytes, g: g.bytes, y: y.bytes, T: T)
            let ell = MPZ()
            __gmpz_set(ell.p, w.ell.p)
            return (GMPInteger(taking: ell), ctr)
        }
    }

    /// Accepts iff `1 < g, y, π < N` and `π^ℓ · g^(2^T mod ℓ) ≡ y (mod N)`. Policy checks (named
    /// modulus, T range) belong to ``WesolowskiVerifier``. Arguments are minimal big-endian bytes.
    public static func verify(modulus n: [UInt8], g: [UInt8], y: [UInt8], pi: [UInt8], T: UInt64,
                              workspace: WesolowskiWorkspace? = nil) -> Bool {
        guard isInGroupRange(g, modulus: n), isInGroupRange(y, modulus: n), isInGroupRange(pi, modulus: n) else {
            return false
        }
        if let w = workspace { return w.verify(n: n, g: g, y: y, pi: pi, T: T) }
        return WesolowskiWorkspace.withPooled { $0.verify(n: n, g: g, y: y, pi: pi, T: T) }
    }

    /// Evaluates the VDF: `y = g^(2^T)` by T squarings, then `π = g^⌊2^T/ℓ⌋` by streaming long
    /// division (one bit of the quotient per step, remainder kept below ℓ).
    public static func prove(g: GMPInteger, T: UInt64, modulus: GMPInteger,
                             workspace: WesolowskiWorkspace = WesolowskiWorkspace()) -> (y: GMPInteger, pi: GMPInteger) {
        let w = workspace
        w.n.set(bytes: modulus.bytes)
        w.g.set(bytes: g.bytes)
        // y = g^(2^T)
        __gmpz_set(w.y.p, w.g.p)
        for _ in 0..<T {
            __gmpz_mul(w.c.p, w.y.p, w.y.p)
            __gmpz_mod(w.y.p, w.c.p, w.n.p)
        }
        let yBytes = w.y.bytes
        _ = w.computeChallenge(n: modulus.bytes, g: g.bytes, y: yBytes, T: T)
        // π = g^⌊2^T/ℓ⌋: for each of the T bits of 2^T, r ← 2r; bit = (r ≥ ℓ); r ← r − bit·ℓ;
        // π ← π² · g^bit.
        w.pi.set(1)
        w.r.set(1)
        for _ in 0..<T {
            __gmpz_mul_2exp(w.r.p, w.r.p, 1)
            __gmpz_mul(w.c.p, w.pi.p, w.pi.p)
            __gmpz_mod(w.pi.p, w.c.p, w.n.p)
            if __gmpz_cmp(w.r.p, w.ell.p) >= 0 {
                __gmpz_sub(w.r.p, w.r.p, w.ell.p)
                __gmpz_mul(w.c.p, w.pi.p, w.g.p)
                __gmpz_mod(w.pi.p, w.c.p, w.n.p)
            }
        }
        return (GMPInteger(bytes: yBytes), GMPInteger(bytes: w.pi.bytes))
    }

    /// `r = 2^T mod ℓ`, the exponent of `g` in the verification equation.
    public static func reducedExponent(T: UInt64, ell: GMPInteger) -> GMPInteger {
        let two = MPZ(), r = MPZ()
        two.set(2)
        __gmpz_powm_ui(r.p, two.p, UInt(T), ell.storage.p)
        return GMPInteger(taking: r)
    }

    /// `1 < x < N` on minimal big-endian bytes.
    public static func isInGroupRange(_ x: [UInt8], modulus n: [UInt8]) -> Bool {
        if x.count < 1 || (x.count == 1 && x[0] <= 1) { return false }
        if x.count != n.count { return x.count < n.count }
        return x.lexicographicallyPrecedes(n)
    }

    @inline(__always)
    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(truncatingIfNeeded: v >> 16), UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)]
    }
}

extension WesolowskiWorkspace {
    /// Sets `ell` to HashToPrime(LP(N) ‖ LP(g) ‖ LP(y) ‖ u64(T)) and returns the counter: for
    /// ctr = 0, 1, …, `c = int(SHA3-256(tag ‖ input ‖ u64(ctr))[16..<32]) | 2^127 | 1`, first `c`
    /// with `mpz_probab_prime_p(c, 25) > 0` (BPSW plus Miller–Rabin rounds).
    func computeChallenge(n: [UInt8], g: [UInt8], y: [UInt8], T: UInt64) -> UInt64 {
        challengeInput.removeAll(keepingCapacity: true)
        for v in [n, g, y] {
            challengeInput += Wesolowski.bigEndian(UInt32(v.count))
            challengeInput += v
        }
        for s in stride(from: 56, through: 0, by: -8) { challengeInput.append(UInt8(truncatingIfNeeded: T >> UInt64(s))) }
        midstate.reset(prefix: Wesolowski.challengeTag)
        midstate.absorb(challengeInput)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf -> UInt64 in
            let digest = buf.baseAddress!
            let suffix = digest + 32
            var ctr: UInt64 = 0
            while true {
                for k in 0..<8 { suffix[k] = UInt8(truncatingIfNeeded: ctr >> UInt64(56 - 8 * k)) }
                midstate.digest(suffix: UnsafeRawBufferPointer(start: suffix, count: 8), into: digest)
                var hi: UInt64 = 0, lo: UInt64 = 0
                for k in 0..<8 {
                    hi = hi << 8 | UInt64(digest[16 + k])
                    lo = lo << 8 | UInt64(digest[24 + k])
                }
                hi |= 1 << 63
                lo |= 1
                // Filters that only skip candidates GMP would also refuse: a factor below 400 (GMP
                // trial-divides up to 16384 first, see SmallPrimeSieve), or failing Fermat's test to
                // base 2 (BPSW begins with the strong base-2 test, which such a number also fails).
                // Only probable primes reach the (slow, authoritative) mpz_probab_prime_p.
                if SmallPrimeSieve.hasSmallFactor(hi: hi, lo: lo) {
                    ctr += 1
                    continue
                }
                __gmpz_import(cand.p, 16, 1, 1, 1, 0, digest + 16)
                __gmpz_setbit(cand.p, 127)
                __gmpz_setbit(cand.p, 0)
                __gmpz_sub_ui(fermat.p, cand.p, 1)
                __gmpz_powm(fermat.p, two.p, fermat.p, cand.p)
                if __gmpz_cmp_ui(fermat.p, 1) == 0, __gmpz_probab_prime_p(cand.p, 25) > 0 {
                    __gmpz_set(ell.p, cand.p)
                    return ctr
                }
                ctr += 1
            }
        }
    }

    /// The Wesolowski equation on range-checked inputs.
    func verify(n nb: [UInt8], g gb: [UInt8], y yb: [UInt8], pi pib: [UInt8], T: UInt64) -> Bool {
        _ = computeChallenge(n: nb, g: gb, y: yb, T: T)
        n.set(bytes: nb)
        g.set(bytes: gb)
        y.set(bytes: yb)
        pi.set(bytes: pib)
        // r = 2^T mod ℓ
        __gmpz_powm_ui(r.p, two.p, UInt(T), ell.p)
        // π^ℓ · g^r mod N: one interleaved pass when the modulus suits Montgomery form.
        if montgomery.setModulus(n, bytes: nb) {
            return montgomery.doubleExpEquals(pi, ell, g, r, y: y)
        }
        return equationByTwoPowm()
    }

    /// The reference path: two separate `mpz_powm` calls (even or huge moduli; cross-checks).
    func equationByTwoPowm() -> Bool {
        __gmpz_powm(a.p, pi.p, ell.p, n.p)
        __gmpz_powm(b.p, g.p, r.p, n.p)
        __gmpz_mul(c.p, a.p, b.p)
        __gmpz_mod(a.p, c.p, n.p)
        return __gmpz_cmp(a.p, y.p) == 0
    }
}
