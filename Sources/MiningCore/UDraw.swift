/// The u-draw of spec section 3: the hash lottery behind `H(u)`.
///
///     preimage = signBytes (303) ‖ nonce (16) ‖ mixSeed (32)      -- 351 bytes
///     digest   = Keccak-512(preimage); x = digest[0..<32] big-endian
///     H        = roundHalfEven(−ln((x+1)/2^256) · 10^6);  blockHash = SHA3-256(preimage)
///
/// This is the reference path (one-shot hashing). Scanners use a cached Keccak midstate and
/// ``Threshold`` instead of evaluating `H` per nonce, and must agree with this byte for byte.
public enum UDraw {
    public static let preimageCount = 351

    /// Everything a u-draw determines.
    public struct Result: Sendable, Equatable, Hashable {
        /// The full 64-byte Keccak-512 digest (a HashShare body carries it).
        public let keccak: [UInt8]
        /// `x`: the first 32 digest bytes, big-endian (on the wire `u`, as 32-byte hex).
        public var u: [UInt8] { Array(keccak[0..<32]) }
        /// Hash luck in µ-nats.
        public let H: Int64
        /// `SHA3-256(preimage)`.
        public let blockHash: [UInt8]

        public init(keccak: [UInt8], H: Int64, blockHash: [UInt8]) {
            self.keccak = keccak; self.H = H; self.blockHash = blockHash
        }
    }

    /// `signBytes ‖ nonce ‖ mixSeed`.
    public static func preimage(signBytes: [UInt8], nonce: Nonce, mixSeed: [UInt8]) -> [UInt8] {
        precondition(signBytes.count == HeaderTemplate.signBytesCount && mixSeed.count == 32,
                     "u-draw needs 303 sign-bytes and a 32-byte mixSeed")
        var p = signBytes
        p.reserveCapacity(preimageCount)
        p += nonce.bytes
        p += mixSeed
        return p
    }

    /// Draws for precomputed sign-bytes (reuse them across nonces of one template).
    public static func draw(signBytes: [UInt8], nonce: Nonce, mixSeed: [UInt8]) -> Result {
        let pre = preimage(signBytes: signBytes, nonce: nonce, mixSeed: mixSeed)
        let digest = Keccak512.hash(pre)
        return Result(keccak: digest, H: HashLuck.H(x: Array(digest[0..<32])), blockHash: SHA3_256.hash(pre))
    }

    /// Draws for a template, with the template's own `nonceDomain.mixSeed`.
    public static func draw(template: HeaderTemplate, nonce: Nonce) -> Result {
        draw(signBytes: template.signBytes, nonce: nonce, mixSeed: template.nonceDomain.mixSeed)
    }
}
