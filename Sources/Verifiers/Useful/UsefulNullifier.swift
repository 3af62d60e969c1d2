import MiningCore

/// `nullifier = SHA3-256("animica:nullifier:<type>:v1" ‖ 0x00 ‖ SHA3-256(identity) ‖ u32(chainId))`
/// (spec section 8). A private copy until MiningCore's shared `Nullifier` lands on main; it is
/// pinned to `nullifiers.json` by the tests, so swapping it for the shared one is mechanical.
enum UsefulNullifier {
    static func compute(type: ProofType, identity: [UInt8], chainId: UInt32) -> [UInt8] {
        SHA3_256.hash(parts: [Array("animica:nullifier:\(type.nullifierName):v1".utf8), [0x00],
                              SHA3_256.hash(identity), BE.u32(chainId)])
    }
}
