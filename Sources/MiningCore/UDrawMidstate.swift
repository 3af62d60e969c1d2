/// The Keccak-512 state of a u-draw preimage with everything but the nonce's varying part absorbed.
///
/// The preimage is `signBytes (303) ‖ nonce (16) ‖ mixSeed (32)` = 351 bytes (spec section 3) =
/// four full 72-byte rate blocks + 63 bytes, so the nonce and mixSeed sit in the fifth (last)
/// block together with the padding (`0x01` at block byte 63, `0x80` at byte 71). This type absorbs
/// the four constant blocks once and pre-XORs the constant bytes of the last block (the sign-bytes
/// tail, extranonce1, mixSeed, padding); a draw then XORs extranonce2 and the counter into two
/// lanes and runs exactly one permutation.
///
/// Last-block layout (byte offsets in the block; lanes are little-endian 8-byte words):
///
///     0..<15  signBytes[288..<303]     lane 0, lane 1 bytes 0..6
///    15..<19  extranonce1 (u32 BE)     lane 1 byte 7, lane 2 bytes 0..2
///    19..<23  extranonce2 (u32 BE)     lane 2 bytes 3..6
///    23..<31  counter (u64 BE)         lane 2 byte 7, lane 3 bytes 0..6
///    31..<63  mixSeed                  lane 3 byte 7, lanes 4..7 (to byte 6 of lane 7)
///    63       0x01 padding             lane 7 byte 7
///    71       0x80 padding             lane 8 byte 7
public struct UDrawMidstate: Sendable, Equatable {
    public static let signBytesCount = 303
    public static let nonceCount = 16
    public static let mixSeedCount = 32
    public static let preimageCount = 351
    /// Bytes absorbed before the last block: 4 × 72.
    static let prefixCount = 288

    /// The state after four blocks with the last block's constant bytes XORed in (extranonce2 and
    /// counter zero). Not yet permuted.
    public let lanes: KeccakLanes<UInt64>
    public let extranonce1: UInt32

    /// Why a midstate cannot be built; names the field and the expected length.
    public enum InputError: Error, Equatable, CustomStringConvertible {
        case signBytesLength(Int)
        case mixSeedLength(Int)

        public var description: String {
            switch self {
            case .signBytesLength(let n): return "signBytes: expected 303 bytes, got \(n)"
            case .mixSeedLength(let n): return "mixSeed: expected 32 bytes, got \(n)"
            }
        }
    }

    public init(signBytes: [UInt8], mixSeed: [UInt8], extranonce1: UInt32) throws(InputError) {
        guard signBytes.count == Self.signBytesCount else { throw .signBytesLength(signBytes.count) }
        guard mixSeed.count == Self.mixSeedCount else { throw .mixSeedLength(mixSeed.count) }
        var sponge = Keccak512()
        sponge.update(signBytes[0 ..< Self.prefixCount])
        precondition(sponge.pendingCount == 0)
        var block = Array(signBytes[Self.prefixCount...])
        block += Self.nonce(extranonce1: extranonce1, extranonce2: 0, counter: 0)
        block += mixSeed
        block.append(0x01)
        block += [UInt8](repeating: 0, count: Keccak512.rate - block.count)
        block[Keccak512.rate - 1] |= 0x80
        var s = sponge.state
        for i in 0 ..< Keccak512.rate { s.xorByte(block[i], at: i) }
        lanes = s
        self.extranonce1 = extranonce1
    }

    /// The 16 nonce bytes: extranonce1 (u32 BE) ‖ extranonce2 (u32 BE) ‖ counter (u64 BE).
    public static func nonce(extranonce1: UInt32, extranonce2: UInt32, counter: UInt64) -> [UInt8] {
        Nonce(extranonce1: extranonce1, extranonce2: extranonce2, counter: counter).bytes
    }

    /// Lane 2's extranonce2 bytes (block bytes 19..<23 = lane 2 bytes 3..6).
    @inlinable @inline(__always)
    public static func lane2(extranonce2: UInt32) -> UInt64 {
        UInt64(extranonce2.byteSwapped) &<< 24
    }

    /// Lane 2's counter byte (the counter's most significant byte at lane 2 byte 7).
    @inlinable @inline(__always)
    public static func lane2(counter: UInt64) -> UInt64 { ScanCore.lane2(counter: counter) }

    /// Lane 3's counter bytes (counter bytes 1..7 at lane 3 bytes 0..6).
    @inlinable @inline(__always)
    public static func lane3(counter: UInt64) -> UInt64 { ScanCore.lane3(counter: counter) }

    /// The not-yet-permuted state for `extranonce2` with counter zero (a per-thread constant).
    @inlinable
    public func lanes(extranonce2: UInt32) -> KeccakLanes<UInt64> {
        var s = lanes
        s.a2 ^= Self.lane2(extranonce2: extranonce2)
        return s
    }

    /// The full 64-byte Keccak-512 digest of the preimage with this nonce.
    public func digest(extranonce2: UInt32, counter: UInt64) -> [UInt8] {
        var s = lanes(extranonce2: extranonce2)
        s.a2 ^= Self.lane2(counter: counter)
        s.a3 ^= Self.lane3(counter: counter)
        KeccakF1600.permute(&s)
        return s.littleEndianBytes(lanes: Keccak512.digestCount / 8)
    }
}
