/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator whose outputs are a bijective
/// mix of a Weyl sequence. The project's one copy — the dev providers' noise and sector data,
/// the simulator's counter-based streams (through ``mix(_:)``), benchmarks' seeded inputs and the
/// tests' fixed-seed draws all use it, so a seed means the same sequence everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    @inlinable
    public init(seed: UInt64) { state = seed }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // the Weyl increment, 2^64 / φ
        return Self.mix(state)
    }

    /// The output finaliser: a bijection of `UInt64` with full avalanche.
    @inlinable @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
