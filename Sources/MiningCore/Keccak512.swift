/// Keccak-512 as in Ethereum-era tooling: Keccak-f[1600], rate 72 bytes, capacity 1024, and the
/// *original* padding `0x01 … 0x80` (not FIPS 202's 0x06). OpenSSL 3.0 does not offer it, so it
/// lives here.
///
/// The API is init / update / finalize, plus a copyable midstate: the u-draw preimage is 351 bytes
/// = 4 full rate blocks + 63 bytes, and a scanner absorbs the 4 constant blocks once and then pays
/// exactly one permutation per nonce (spec section 3).
public struct Keccak512: Sendable {
    public static let rate = 72
    public static let digestCount = 64

    /// The 25-lane state, lane `x + 5y` as in FIPS 202.
    public var state: KeccakState
    /// Bytes of the current, not yet permuted, rate block.
    @usableFromInline var buffer: [UInt8]

    public init() {
        state = KeccakState()
        buffer = []
        buffer.reserveCapacity(Self.rate)
    }

    /// Number of bytes absorbed into the partial block (0 ..< 72).
    public var pendingCount: Int { buffer.count }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        for b in bytes {
            buffer.append(b)
            if buffer.count == Self.rate {
                absorbBlock()
            }
        }
    }

    public mutating func finalize() -> [UInt8] {
        var block = buffer
        block.append(0x01)
        while block.count < Self.rate { block.append(0) }
        block[Self.rate - 1] |= 0x80
        state.xorBlock(block)
        state.permute()
        return state.bytes(count: Self.digestCount)
    }

    /// One-shot hash.
    public static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var k = Keccak512()
        k.update(bytes)
        return k.finalize()
    }

    private mutating func absorbBlock() {
        state.xorBlock(buffer)
        state.permute()
        buffer.removeAll(keepingCapacity: true)
    }
}

/// The Keccak-f[1600] state: 25 little-endian 64-bit lanes.
public struct KeccakState: Sendable, Equatable {
    public var lanes: [UInt64]

    public init() { lanes = [UInt64](repeating: 0, count: 25) }

    /// XORs a full or partial rate block (little-endian lanes) into the state.
    public mutating func xorBlock(_ block: [UInt8]) {
        precondition(block.count % 8 == 0)
        for i in 0..<(block.count / 8) {
            var w: UInt64 = 0
            for j in 0..<8 { w |= UInt64(block[8 * i + j]) << (8 * UInt64(j)) }
            lanes[i] ^= w
        }
    }

    /// The first `count` bytes of the state, lanes little-endian.
    public func bytes(count: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(count)
        for i in 0..<count {
            out.append(UInt8(truncatingIfNeeded: lanes[i / 8] >> (8 * UInt64(i % 8))))
        }
        return out
    }

    public mutating func permute() {
        lanes.withUnsafeMutableBufferPointer { KeccakF1600.permute($0.baseAddress!) }
    }
}

/// Keccak-f[1600] on 25 lanes in place (24 rounds).
public enum KeccakF1600 {
    public static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
        0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
        0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
        0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
        0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
    static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    public static func permute(_ a: UnsafeMutablePointer<UInt64>) {
        var b = [UInt64](repeating: 0, count: 25)
        var c = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in 0..<5 { a[x + 5 * y] ^= d }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y])
                }
            }
            a[0] ^= roundConstants[round]
        }
    }

    @inline(__always)
    static func rotl(_ v: UInt64, _ n: UInt64) -> UInt64 { n == 0 ? v : (v << n) | (v >> (64 - n)) }
}
