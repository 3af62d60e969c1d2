import MiningCore

/// Counter-based random numbers: the `i`-th draw of a stream is a pure function of
/// `(seed, replication, stream, i)`.
///
/// Why counter-based: replications run on any number of threads in any order, and each
/// replication's streams (block timing, winner choice, each provider, the network) must not
/// influence one another, so adding a provider never shifts the block-time draws. The mixer is
/// SplitMix64's finaliser, which is itself a counter-based generator (output = mix(key + i·γ)).
public struct StreamRNG: RandomNumberGenerator, Sendable {
    @usableFromInline var key: UInt64
    @usableFromInline var counter: UInt64 = 0

    /// Stream ids used by the engine. Providers and miner groups add their index to a base.
    public enum Stream: UInt64, Sendable {
        case blockTime = 1, winner = 2, hashLuck = 3, greedy = 4, network = 5, exactNonce = 6
        case providerBase = 0x1000_0000, minerBase = 0x2000_0000
    }

    public init(seed: UInt64, replication: Int, stream: UInt64) {
        key = SplitMix64.mix(SplitMix64.mix(SplitMix64.mix(seed) &+ UInt64(truncatingIfNeeded: replication)) ^ SplitMix64.mix(stream &+ 0x5851_F42D_4C95_7F2D))
    }

    public init(seed: UInt64, replication: Int, stream: Stream, index: Int = 0) {
        self.init(seed: seed, replication: replication, stream: stream.rawValue &+ UInt64(index))
    }

    /// The counter's stride (2^64/φ, odd): draw `c` mixes `key + c·γ`.
    @usableFromInline static var gamma: UInt64 { 0x9E37_79B9_7F4A_7C15 }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        counter &+= 1
        return SplitMix64.mix(key &+ counter &* Self.gamma)
    }

    /// Uniform in the open interval (0, 1): never 0, so `-log(u)` is finite.
    @inlinable @inline(__always)
    public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// An exponential variate with the given rate (events per second).
    @inlinable @inline(__always)
    public mutating func exponential(rate: Double) -> Double {
        -Foundation_log(uniformOpen()) / rate
    }

    /// A standard normal variate (Box–Muller, one of the pair; libm is deterministic per platform).
    public mutating func standardNormal() -> Double {
        let u1 = uniformOpen(), u2 = uniformOpen()
        return (-2 * Foundation_log(u1)).squareRoot() * Foundation_cos(2 * Double.pi * u2)
    }
}
