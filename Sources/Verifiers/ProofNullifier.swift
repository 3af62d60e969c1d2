import MiningCore

/// `nullifier = SHA3-256("animica:nullifier:<type>:v1" ‖ 0x00 ‖ SHA3-256(identity) ‖ u32BE(chainId))`
/// (spec section 8), as bytes — a thin adapter over MiningCore's ``Nullifier``.
public enum ProofNullifier {
    public static func compute(type: ProofType, identity: [UInt8], chainId: UInt32) -> [UInt8] {
        Nullifier(type: type, identityBytes: identity, chainId: chainId).bytes
    }
}
