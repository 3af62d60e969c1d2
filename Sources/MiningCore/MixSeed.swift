/// The per-block mix seed of spec section 2, mixed into every u-draw so a nonce found for one
/// chain position cannot be replayed at another.
public enum MixSeed {
    /// Domain tag of the derivation.
    public static let domainTag = Array("animica:mixseed:v1".utf8)

    /// The genesis block's mixSeed: 32 zero bytes.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// `SHA3-256("animica:mixseed:v1" ‖ parentMixSeed ‖ parentHash ‖ u64BE(height))`, where
    /// `height` is the height of the block being built (the template's `height`, not the
    /// parent's — checked against every case of udraw.json).
    public static func derive(parentMixSeed: [UInt8], parentHash: [UInt8], height: UInt64) -> [UInt8] {
        precondition(parentMixSeed.count == 32 && parentHash.count == 32, "mixSeed inputs are 32-byte hashes")
        var h = [UInt8]()
        h.appendBigEndian(height)
        return SHA3_256.hash(parts: [domainTag, parentMixSeed, parentHash, h])
    }
}
