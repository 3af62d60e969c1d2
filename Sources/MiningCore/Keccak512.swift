/// Keccak-512 as in Ethereum-era tooling: Keccak-f[1600], rate 72 bytes, capacity 1024, and the
/// *original* padding `0x01 … 0x80` (not FIPS 202's 0x06). OpenSSL 3.0 does not offer it, so it
/// lives here; the permutation itself is in ``KeccakF1600``.
///
/// A value type, so a partly absorbed sponge is a copyable midstate: the u-draw preimage is 351
/// bytes = 4 full rate blocks + 63 bytes, and ``UDrawMidstate`` absorbs the 4 constant blocks once
/// and then pays exactly one permutation per nonce (spec section 3).
public struct Keccak512: Sendable {
    public static let rate = 72
    public static let digestCount = 64

    /// The 25-lane state. Bytes not yet permuted are already XORed in (little-endian lanes).
    public var state: KeccakLanes<UInt64>
    /// Number of bytes absorbed into the current, not yet permuted, rate block (0 ..< 72).
    public private(set) var pendingCount: Int

    public init() {
        state = KeccakLanes()
        pendingCount = 0
    }

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if bytes.withContiguousStorageIfAvailable({ absorb($0) }) == nil {
            Array(bytes).withUnsafeBufferPointer { absorb($0) }
        }
    }

    public mutating func finalize() -> [UInt8] {
        state.xorByte(0x01, at: pendingCount)
        state.xorByte(0x80, at: Self.rate - 1)
        KeccakF1600.permute(&state)
        pendingCount = 0
        return state.littleEndianBytes(lanes: Self.digestCount / 8)
    }

    /// One-shot hash.
    public static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var k = Keccak512()
        k.update(bytes)
        return k.finalize()
    }

    private mutating func absorb(_ p: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = p.count
        while i < n {
            if pendingCount == 0 && n - i >= Self.rate {
                // Whole block: nine little-endian words.
                let raw = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[i ..< i + Self.rate])
                for w in 0 ..< Self.rate / 8 {
                    state[w] ^= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * w, as: UInt64.self))
                }
                KeccakF1600.permute(&state)
                i += Self.rate
                continue
            }
            state.xorByte(p[i], at: pendingCount)
            pendingCount += 1
            i += 1
            if pendingCount == Self.rate {
                KeccakF1600.permute(&state)
                pendingCount = 0
            }
        }
    }
}

extension KeccakLanes where Lane == UInt64 {
    /// XORs `byte` into state byte `position` (lanes little-endian).
    @inlinable
    public mutating func xorByte(_ byte: UInt8, at position: Int) {
        self[position >> 3] ^= UInt64(byte) &<< UInt64(8 * (position & 7))
    }

    /// The first `lanes` lanes as little-endian bytes (the sponge's squeeze of `8 * lanes` bytes).
    public func littleEndianBytes(lanes: Int) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(8 * lanes)
        for i in 0 ..< lanes {
            let w = self[i]
            for j in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: w &>> UInt64(8 * j))) }
        }
        return out
    }
}
