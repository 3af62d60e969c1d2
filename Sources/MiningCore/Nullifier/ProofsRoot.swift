/// The block header's `proofsRoot` (spec §8): a binary SHA3-256 Merkle tree over the block's
/// proofs in block order.
///
/// Leaf `SHA3-256(0x00 ‖ u8(type) ‖ nullifier ‖ SHA3-256(canonical body JSON))`, inner node
/// `SHA3-256(0x01 ‖ L ‖ R)`; an odd node at any level is paired with itself (`H(0x01 ‖ X ‖ X)`), a
/// single leaf is the root, and no leaves give 32 zero bytes. The 0x00/0x01 prefixes keep a leaf
/// from being passed off as an inner node.
public enum ProofsRoot {
    /// The root of no proofs.
    public static let empty = [UInt8](repeating: 0, count: 32)

    /// One proof's leaf hash.
    public static func leaf(type: ProofType, nullifier: Nullifier, body: JSONValue) -> [UInt8] {
        leaf(type: type, nullifier: nullifier, bodyHash: SHA3_256.hash(body.canonicalBytes))
    }

    /// One proof's leaf hash from the body's digest `SHA3-256(canonical body JSON)`.
    public static func leaf(type: ProofType, nullifier: Nullifier, bodyHash: [UInt8]) -> [UInt8] {
        precondition(bodyHash.count == 32, "bodyHash must be a 32-byte SHA3-256 digest")
        return SHA3_256.hash(parts: [[0x00, type.rawValue], nullifier.bytes, bodyHash])
    }

    /// The root over proofs in block order.
    public static func root(proofs: [(type: ProofType, nullifier: Nullifier, body: JSONValue)]) -> [UInt8] {
        merkleRoot(leaves: proofs.map { leaf(type: $0.type, nullifier: $0.nullifier, body: $0.body) })
    }

    /// The tree over given 32-byte leaf hashes.
    public static func merkleRoot(leaves: [[UInt8]]) -> [UInt8] {
        guard !leaves.isEmpty else { return empty }
        var level = leaves
        while level.count > 1 {
            var up = [[UInt8]]()
            up.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i < level.count {
                let l = level[i]
                let r = i + 1 < level.count ? level[i + 1] : l
                up.append(SHA3_256.hash(parts: [[0x01], l, r]))
                i += 2
            }
            level = up
        }
        return level[0]
    }
}
