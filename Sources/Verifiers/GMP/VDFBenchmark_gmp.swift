import CGMP

/// The floor `simctl bench vdf` compares verification against: two GMP `mpz_powm` calls with
/// 128-bit exponents modulo N, which is the irreducible core of a Wesolowski check.
public final class TwoPowmFloor: @unchecked Sendable {
    private let n = MPZ(), b1 = MPZ(), e1 = MPZ(), b2 = MPZ(), e2 = MPZ()
    private let out1 = MPZ(bits: 4160), out2 = MPZ(bits: 4160)

    /// Bases and exponents as big-endian bytes (exponents are meant to be 16 bytes).
    public init(modulus: GMPInteger, base1: [UInt8], exponent1: [UInt8], base2: [UInt8], exponent2: [UInt8]) {
        n.set(bytes: modulus.bytes)
        b1.set(bytes: base1)
        e1.set(bytes: exponent1)
        b2.set(bytes: base2)
        e2.set(bytes: exponent2)
    }

    /// Runs both exponentiations; returns a bit of the result so the work cannot be optimised away.
    @discardableResult
    public func run() -> Int32 {
        __gmpz_powm(out1.p, b1.p, e1.p, n.p)
        __gmpz_powm(out2.p, b2.p, e2.p, n.p)
        return poies_mpz_odd_p(out1.p) ^ poies_mpz_odd_p(out2.p)
    }
}
