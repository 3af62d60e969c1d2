/// The 16-byte u-draw nonce of spec section 2: `extranonce1` (u32, assigned per session by the
/// pool server; 0 for solo) ‖ `extranonce2` (u32, chosen by the miner, e.g. a thread index) ‖
/// `counter` (u64), all big-endian. Splitting the space this way lets many miners and threads
/// scan disjoint nonces of one template without coordination.
public struct Nonce: Sendable, Equatable, Hashable {
    public static let byteCount = 16

    public var extranonce1: UInt32
    public var extranonce2: UInt32
    public var counter: UInt64

    public init(extranonce1: UInt32 = 0, extranonce2: UInt32 = 0, counter: UInt64 = 0) {
        self.extranonce1 = extranonce1; self.extranonce2 = extranonce2; self.counter = counter
    }

    /// Parses the 16 wire bytes; `nil` for any other length.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        let b = Array(bytes)
        func be<T: FixedWidthInteger>(_ range: Range<Int>) -> T {
            b[range].reduce(T.zero) { $0 << 8 | T($1) }
        }
        self.init(extranonce1: be(0..<4), extranonce2: be(4..<8), counter: be(8..<16))
    }

    /// Parses `0x` + 32 hex digits.
    public init(hex: String) throws(Hex.DecodeError) {
        self.init(bytes: try Hex.decode(hex, bytes: Self.byteCount))!
    }

    /// The 16 wire bytes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        out.appendBigEndian(extranonce1)
        out.appendBigEndian(extranonce2)
        out.appendBigEndian(counter)
        return out
    }

    /// `0x` + 32 lowercase hex digits.
    public var hex: String { Hex.encode(bytes) }
}
