/// A proof's 32-byte nullifier (spec §8): the replay key that makes the same useful work count once.
///
/// Stored as four big-endian words rather than a `[UInt8]` so that sets of millions of them (the
/// TTL store) need no per-element heap allocation and hash fast. `<` orders by bytes, as the
/// downscale tie-break of spec §5 does.
public struct Nullifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
    }

    /// From exactly 32 bytes.
    public init(bytes: [UInt8]) throws(NullifierError) {
        guard bytes.count == 32 else { throw .wrongLength(field: "nullifier", expected: 32, actual: bytes.count) }
        func word(_ i: Int) -> UInt64 {
            var w: UInt64 = 0
            for b in bytes[(8 * i)..<(8 * i + 8)] { w = w << 8 | UInt64(b) }
            return w
        }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// From `0x` + 64 hex digits.
    public init(hex: String) throws(NullifierError) {
        let b: [UInt8]
        do { b = try Hex.decode(hex, bytes: 32) } catch { throw .badHex(field: "nullifier", error) }
        try self.init(bytes: b)
    }

    /// The 32 bytes, big-endian words in order (one allocation: the selector and the simulator
    /// ask for these on every selection).
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { buf, n in
            let raw = UnsafeMutableRawBufferPointer(buf)
            raw.storeBytes(of: w0.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: w1.bigEndian, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: w2.bigEndian, toByteOffset: 16, as: UInt64.self)
            raw.storeBytes(of: w3.bigEndian, toByteOffset: 24, as: UInt64.self)
            n = 32
        }
    }

    public var hex: String { Hex.encode(bytes) }
    public var description: String { hex }

    public static func < (a: Self, b: Self) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }

    /// The domain tag `animica:nullifier:<type>:v1`.
    public static func domainTag(_ type: ProofType) -> [UInt8] {
        Array("animica:nullifier:\(type.nullifierName):v1".utf8)
    }

    /// `SHA3-256(tag ‖ 0x00 ‖ SHA3-256(identity) ‖ u32BE(chainId))` over raw identity bytes.
    public init(type: ProofType, identityBytes: [UInt8], chainId: UInt32) {
        let digest = SHA3_256.hash(parts: [
            Self.domainTag(type), [0x00], SHA3_256.hash(identityBytes), ByteOrder.u32(chainId),
        ])
        try! self.init(bytes: digest)
    }

    /// The nullifier of a typed identity (its fields' lengths are checked).
    public init(identity: NullifierIdentity, chainId: UInt32) throws(NullifierError) {
        self.init(type: identity.type, identityBytes: try identity.bytes(), chainId: chainId)
    }
}

/// Why a nullifier or its identity could not be built.
public enum NullifierError: Error, Equatable, CustomStringConvertible {
    case wrongLength(field: String, expected: Int, actual: Int)
    case badHex(field: String, Hex.DecodeError)

    public var description: String {
        switch self {
        case .wrongLength(let f, let e, let a): return "\(f): expected \(e) bytes, got \(a)"
        case .badHex(let f, let e): return "\(f): \(e)"
        }
    }
}

/// Big-endian fixed-width integers, spec §1.
enum ByteOrder {
    static func u32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * UInt32($0))) } }
    static func u64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) } }
}
