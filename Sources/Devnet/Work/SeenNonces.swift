import MiningCore

/// The nonces a job has already judged, in 64 hash shards.
///
/// One `Set` would stall every share behind the admission lock whenever it grows: doubling a
/// 400,000-nonce set rehashes all of it at once (47 ms measured here; the Stratum bench's p99 was
/// those stalls). Shards grow one at a time, so the worst pause is 1/64 of that.
struct SeenNonces: Sendable {
    private var shards = [Set<Nonce>](repeating: [], count: 64)
    private(set) var count = 0

    private static func shard(_ n: Nonce) -> Int {
        let mixed = (n.counter ^ UInt64(n.extranonce1) << 32 ^ UInt64(n.extranonce2)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 58)
    }

    func contains(_ n: Nonce) -> Bool { shards[Self.shard(n)].contains(n) }

    /// Inserts `n`; returns false when it was already there.
    @discardableResult
    mutating func insert(_ n: Nonce) -> Bool {
        let inserted = shards[Self.shard(n)].insert(n).inserted
        if inserted { count += 1 }
        return inserted
    }
}
