import MiningCore

/// `nullifier = SHA3-256("animica:nullifier:<type>:v1" ‖ 0x00 ‖ SHA3-256(identity) ‖ u32BE(chainId))`
/// (spec section 8).
///
/// A stand-in until MiningCore's `Nullifier` lands; the lead may replace the body with a call to it.
public enum ProofNullifier {
    public static func compute(type: ProofType, identity: [UInt8], chainId: UInt32) -> [UInt8] {
        let tag = Array("animica:nullifier:\(type.nullifierName):v1".utf8)
        let c = chainId
        return SHA3_256.hash(parts: [
            tag, [0x00], SHA3_256.hash(identity),
            [UInt8(c >> 24), UInt8(truncatingIfNeeded: c >> 16), UInt8(truncatingIfNeeded: c >> 8), UInt8(truncatingIfNeeded: c)],
        ])
    }
}
