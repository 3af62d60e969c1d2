import MiningCore

/// The binary Merkle tree of spec section 8 (storage sectors; also AI and quantum trap roots):
/// leaf `SHA3-256(0x00 ‖ data)`, node `SHA3-256(0x01 ‖ L ‖ R)`, an odd node paired with itself,
/// empty tree = 32 zero bytes.
public enum BinaryMerkle {
    public static func leafHash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        SHA3_256.hash(parts: [[0x00], Array(data)])
    }

    public static func nodeHash(_ l: [UInt8], _ r: [UInt8]) -> [UInt8] {
        SHA3_256.hash(parts: [[0x01], l, r])
    }

    /// Every level, leaves first, root last (one element).
    public static func levels(leafHashes: [[UInt8]]) -> [[[UInt8]]] {
        guard !leafHashes.isEmpty else { return [[[UInt8](repeating: 0, count: 32)]] }
        var levels = [leafHashes]
        while levels[levels.count - 1].count > 1 {
            let cur = levels[levels.count - 1]
            var next = [[UInt8]]()
            next.reserveCapacity((cur.count + 1) / 2)
            var i = 0
            while i < cur.count {
                next.append(nodeHash(cur[i], i + 1 < cur.count ? cur[i + 1] : cur[i]))
                i += 2
            }
            levels.append(next)
        }
        return levels
    }

    public static func root(leafHashes: [[UInt8]]) -> [UInt8] {
        levels(leafHashes: leafHashes).last![0]
    }

    /// Number of siblings on a path in a tree of `leafCount` leaves (0 for one leaf).
    public static func height(leafCount: UInt64) -> Int {
        var h = 0, n = leafCount
        while n > 1 { n = (n + 1) / 2; h += 1 }
        return h
    }

    /// Sibling hashes from the leaf up (an odd last node's sibling is itself).
    public static func path(levels: [[[UInt8]]], index: Int) -> [[UInt8]] {
        var out = [[UInt8]]()
        var i = index
        for level in levels.dropLast() {
            let sib = i ^ 1
            out.append(sib < level.count ? level[sib] : level[i])
            i >>= 1
        }
        return out
    }

    /// The root a path leads to from `leafHash` at `index`.
    public static func root(fromLeafHash leafHash: [UInt8], index: UInt64, path: [[UInt8]]) -> [UInt8] {
        var node = leafHash
        var i = index
        for sib in path {
            node = (i & 1 == 0) ? nodeHash(node, sib) : nodeHash(sib, node)
            i >>= 1
        }
        return node
    }
}
