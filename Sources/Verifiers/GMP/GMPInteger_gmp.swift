import CGMP

/// An immutable arbitrary-precision unsigned integer on GMP, for the slow paths (moduli, tests,
/// the prover's inputs). Value semantics: the wrapped `mpz` is never mutated after creation.
/// Hot paths use ``WesolowskiWorkspace`` scratch values instead.
public struct GMPInteger: Sendable, Equatable, Comparable, CustomStringConvertible {
    let storage: MPZ

    /// From minimal or padded big-endian bytes.
    public init(bytes: [UInt8]) {
        storage = MPZ()
        storage.set(bytes: bytes)
    }

    public init(_ v: UInt) {
        storage = MPZ()
        storage.set(v)
    }

    /// From decimal or hex digits (`base` 10 or 16, no prefix); nil if not a number.
    public init?(digits: String, base: Int32) {
        storage = MPZ()
        guard __gmpz_set_str(storage.p, digits, base) == 0, poies_mpz_sgn(storage.p) >= 0 else { return nil }
    }

    init(taking m: MPZ) { storage = m }

    /// Minimal big-endian bytes (empty for zero).
    public var bytes: [UInt8] { storage.bytes }
    public var bitWidth: Int { storage.bitCount }
    /// Minimal `0x` hex (`0x0` for zero), the wire form of spec section 1.
    public var hex: String { StrictHex.encodeBigUInt(bytes) }
    public var description: String { hex }

    public static func == (a: Self, b: Self) -> Bool { a.storage.compare(b.storage) == 0 }
    public static func < (a: Self, b: Self) -> Bool { a.storage.compare(b.storage) < 0 }
}
