/// A nonce whose draw met the share target, the block target, or both.
public struct ScanHit: Sendable, Hashable, CustomStringConvertible {
    public let extranonce1: UInt32
    public let extranonce2: UInt32
    public let counter: UInt64
    /// The full 64-byte Keccak-512 digest of the preimage.
    public let digest: [UInt8]
    /// `x ≤ X(tShare)`.
    public let isShare: Bool
    /// `x ≤ X(Θ − Σψ)`.
    public let isBlock: Bool

    public init(extranonce1: UInt32, extranonce2: UInt32, counter: UInt64, digest: [UInt8], isShare: Bool, isBlock: Bool) {
        self.extranonce1 = extranonce1
        self.extranonce2 = extranonce2
        self.counter = counter
        self.digest = digest
        self.isShare = isShare
        self.isBlock = isBlock
    }

    /// The 16 nonce bytes (extranonce1 ‖ extranonce2 ‖ counter, big-endian).
    public var nonce: [UInt8] {
        UDrawMidstate.nonce(extranonce1: extranonce1, extranonce2: extranonce2, counter: counter)
    }

    /// `x` as 32 big-endian bytes: the first half of the digest.
    public var x: [UInt8] { Array(digest[0 ..< 32]) }

    public var description: String {
        "ScanHit(nonce: \(Hex.encode(nonce)), x: \(Hex.encode(x)), share: \(isShare), block: \(isBlock))"
    }
}
