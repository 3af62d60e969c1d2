import MiningCore

/// Storage challenges of spec section 8: index `i` of epoch `e` is
/// `int(SHA3-256("animica:storage:challenge:v1" ‖ parentHash ‖ sectorRoot ‖ u64(e) ‖ u32(i))) mod leafCount`
/// (the whole 256-bit digest as a big-endian integer).
public enum StorageChallenge {
    public static let leafSize = 4096
    public static let maxLeafCount: UInt64 = 1 << 40

    public static func index(parentHash: [UInt8], sectorRoot: [UInt8], epoch: UInt64, challenge: UInt32, leafCount: UInt64) -> UInt64 {
        precondition(leafCount >= 1 && leafCount <= maxLeafCount)
        let d = SHA3_256.hash(parts: [Array("animica:storage:challenge:v1".utf8), parentHash, sectorRoot,
                                      BE.u64(epoch), BE.u32(challenge)])
        // r < leafCount ≤ 2^40, so r·256 + b fits in 64 bits.
        return d.reduce(UInt64(0)) { ($0 << 8 | UInt64($1)) % leafCount }
    }

    public static func indices(parentHash: [UInt8], sectorRoot: [UInt8], epoch: UInt64, challenges: Int, leafCount: UInt64) -> [UInt64] {
        (0..<challenges).map { index(parentHash: parentHash, sectorRoot: sectorRoot, epoch: epoch, challenge: UInt32($0), leafCount: leafCount) }
    }
}
