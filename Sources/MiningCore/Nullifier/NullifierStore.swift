/// The replay window of spec §5: "a block is invalid if it carries … a nullifier seen on the chain
/// within the last `nullifierTTL` blocks".
///
/// **Boundary rule** (spec is silent on the edge; docs/decisions/retarget-nullifiers.md): a
/// nullifier recorded at height `s` is *seen* by a block at height `h` iff `h − ttl ≤ s ≤ h`.
/// The last `ttl` blocks before `h` are `h − ttl … h − 1`, so `s = h − ttl` is still seen and
/// `s = h − ttl − 1` is free again; `s = h` (recorded by the block being assembled) also counts,
/// which agrees with the in-block duplicate rule; records above `h` are not seen.
///
/// A protocol so the devnet node can back it with storage; the simulator uses
/// ``InMemoryNullifierStore``. Stores follow one chain forward: a reorg rebuilds them.
public protocol NullifierStore {
    /// The window length in blocks (`nullifierTTL`, devnet 8192).
    var ttl: Int64 { get }
    /// Whether `nullifier` was recorded at a height `s` with `height − ttl ≤ s ≤ height`.
    func isSeen(_ nullifier: Nullifier, atHeight height: Int64) -> Bool
    /// Records that the block at `height` carried `nullifier`.
    mutating func record(_ nullifier: Nullifier, height: Int64)
    /// Forgets every record below `height`.
    mutating func prune(belowHeight height: Int64)
}

/// Why a block's nullifiers break spec §5.
public enum NullifierReplay: Error, Hashable, CustomStringConvertible {
    /// The same nullifier twice in one block (indices of both).
    case duplicateInBlock(Nullifier, first: Int, second: Int)
    /// Already on the chain within the TTL window.
    case seenWithinTTL(Nullifier, index: Int)

    public var description: String {
        switch self {
        case .duplicateInBlock(let n, let a, let b): return "proofs[\(b)]: nullifier \(n) repeats proofs[\(a)]"
        case .seenWithinTTL(let n, let i): return "proofs[\(i)]: nullifier \(n) was seen within nullifierTTL blocks"
        }
    }
}

extension NullifierStore {
    /// The first §5 nullifier violation of a block at `height` carrying `nullifiers` (in order),
    /// or nil. Does not record anything.
    public func replayViolation(in nullifiers: [Nullifier], atHeight height: Int64) -> NullifierReplay? {
        var firstIndex: [Nullifier: Int] = [:]
        firstIndex.reserveCapacity(nullifiers.count)
        for (i, n) in nullifiers.enumerated() {
            if let j = firstIndex[n] { return .duplicateInBlock(n, first: j, second: i) }
            firstIndex[n] = i
            if isSeen(n, atHeight: height) { return .seenWithinTTL(n, index: i) }
        }
        return nil
    }

    /// Records every nullifier of the block at `height`.
    public mutating func record<S: Sequence>(_ nullifiers: S, height: Int64) where S.Element == Nullifier {
        for n in nullifiers { record(n, height: height) }
    }
}

/// An in-memory ``NullifierStore`` whose memory is bounded by the window.
///
/// A dictionary `nullifier → latest height` answers `isSeen` in O(1); per-height buckets list what
/// each height added, so pruning removes exactly the expired entries, and each height is visited
/// once (O(1) amortised per block). Recording at a new highest height `H` prunes below `H − ttl`
/// automatically — those records can never be seen again by a block at `H` or later — so the store
/// holds at most the records of the last `ttl + 1` heights whatever the caller does. A record below
/// the pruned floor is dropped; re-recording a nullifier keeps its highest height.
public struct InMemoryNullifierStore: NullifierStore, Sendable {
    public let ttl: Int64
    private var latest: [Nullifier: Int64] = [:]
    private var buckets: [Int64: [Nullifier]] = [:]
    /// Heights below this hold nothing (nil: nothing pruned yet).
    private var floor: Int64?
    private var maxHeight: Int64?

    /// `ttl` must be ≥ 0 (a policy's `nullifierTTL` is validated before it gets here).
    public init(ttl: Int64) {
        precondition(ttl >= 0, "nullifierTTL must be ≥ 0")
        self.ttl = ttl
    }

    /// Distinct nullifiers held (the memory bound's measure).
    public var count: Int { latest.count }
    /// Heights with a bucket.
    public var retainedHeights: Int { buckets.count }

    public func isSeen(_ nullifier: Nullifier, atHeight height: Int64) -> Bool {
        guard let s = latest[nullifier], s <= height else { return false }
        let (age, overflow) = height.subtractingReportingOverflow(s)
        return !overflow && age <= ttl
    }

    /// The highest height `nullifier` is recorded at, if retained.
    public func lastSeen(_ nullifier: Nullifier) -> Int64? { latest[nullifier] }

    public mutating func record(_ nullifier: Nullifier, height: Int64) {
        if let f = floor, height < f { return }
        if let old = latest[nullifier], old >= height { return }
        latest[nullifier] = height
        buckets[height, default: []].append(nullifier)
        if maxHeight.map({ height > $0 }) ?? true {
            maxHeight = height
            let (cut, overflow) = height.subtractingReportingOverflow(ttl)
            if !overflow { prune(belowHeight: cut) }
        }
    }

    public mutating func prune(belowHeight height: Int64) {
        if let f = floor, height <= f { return }
        let span = floor.map { height.subtractingReportingOverflow($0) }
        if let (d, overflow) = span, !overflow, d <= Int64(buckets.count) {
            // Walk the heights just expired: cost proportional to how far the floor moved.
            var h = floor!
            while h < height {
                if let b = buckets.removeValue(forKey: h) { evict(b, at: h) }
                h += 1
            }
        } else {
            // The floor jumped past more heights than there are buckets: scan the buckets instead.
            for (h, b) in buckets where h < height { evict(b, at: h) }
            buckets = buckets.filter { $0.key >= height }
        }
        floor = height
    }

    private mutating func evict(_ bucket: [Nullifier], at height: Int64) {
        for n in bucket where latest[n] == height { latest.removeValue(forKey: n) }
    }
}
