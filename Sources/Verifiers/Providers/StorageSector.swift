import MiningCore

/// A sector's Merkle tree (pure): built from leaf hashes, answers paths for challenged leaves.
public struct StorageSector: Sendable {
    public let leafCount: UInt64
    public let levels: [[[UInt8]]]

    public init(leafHashes: [[UInt8]]) {
        precondition(!leafHashes.isEmpty, "a sector has at least one leaf")
        leafCount = UInt64(leafHashes.count)
        levels = BinaryMerkle.levels(leafHashes: leafHashes)
    }

    public var root: [UInt8] { levels.last![0] }

    public func path(index: UInt64) -> [[UInt8]] { BinaryMerkle.path(levels: levels, index: Int(index)) }

    /// Deterministic dev content for leaf `index`: SplitMix64 seeded with `dataSeed ^ index·φ`.
    public static func devLeaf(dataSeed: UInt64, index: UInt64) -> [UInt8] {
        var rng = ProviderRNG(seed: dataSeed ^ (index &* 0x9E37_79B9_7F4A_7C15))
        var out = [UInt8]()
        out.reserveCapacity(StorageChallenge.leafSize)
        for _ in 0..<(StorageChallenge.leafSize / 8) {
            let w = rng.next()
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: w >> (8 * k))) }
        }
        return out
    }
}
