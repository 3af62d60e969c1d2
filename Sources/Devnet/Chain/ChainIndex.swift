import MiningCore

/// The in-memory view of the recent chain: records by hash, the best tip, the main chain by
/// height and the nullifier window of the best tip — for the last ``window`` heights only, so
/// memory stays flat however long the chain grows (older blocks live in the store alone).
/// Pure value logic (no I/O): the node loads it from the store's recent blocks at start and
/// applies each block after the store committed it.
///
/// The window covers everything validation reads: the median-time span, the nullifier TTL, and
/// ``reorgSlack`` heights of forks below that. A block whose parent fell out of the window is
/// answered as an unknown parent (a reorg deeper than the window is not followed; see
/// docs/decisions/devnet-node-state.md).
public struct ChainIndex: Sendable {
    public let config: ChainConfig
    public private(set) var records: [[UInt8]: BlockRecord] = [:]
    /// Nullifiers each block recorded (to rebuild a branch's window after a reorg).
    private var blockNullifiers: [[UInt8]: [Nullifier]] = [:]
    public private(set) var head: BlockRecord
    /// Hashes of the main chain by height, from ``mainBase`` up to the head.
    private var mainChain: [[UInt8]] = []
    /// Height of `mainChain[0]`.
    private var mainBase: UInt64 = 0

    /// Heights kept below the head beyond what validation needs.
    public static let reorgSlack: UInt64 = 64

    /// How many heights below the head the index keeps.
    public var window: UInt64 { Self.window(config) }

    public static func window(_ config: ChainConfig) -> UInt64 {
        UInt64(max(config.medianTimeSpan, Int(max(0, config.policy.nullifierTTL)) + 1)) + reorgSlack
    }
    /// The nullifier window of the head's branch.
    private var headNullifiers: InMemoryNullifierStore

    /// An index holding only genesis.
    public init(config: ChainConfig) {
        self.config = config
        let g = BlockRecord.genesis(config)
        head = g
        records[g.hash] = g
        mainChain = [g.hash]
        headNullifiers = InMemoryNullifierStore(ttl: config.policy.nullifierTTL)
    }

    /// Rebuilds the index from stored records (any order; the store's recent window) and the
    /// nullifiers of each block; the head is the fork-choice best (the store's head is only a hint).
    public init(config: ChainConfig, records list: [BlockRecord], nullifiers: [[UInt8]: [Nullifier]]) {
        self.init(config: config)
        for r in list { records[r.hash] = r }
        blockNullifiers = nullifiers
        let best = records.values.max { ForkChoice.prefers($1, over: $0) } ?? head
        switchHead(to: best)
        prune()
    }

    public func record(_ hash: [UInt8]) -> BlockRecord? { records[hash] }

    /// The main-chain record at `height`.
    /// `nil` above the head and below the window.
    public func record(atHeight height: UInt64) -> BlockRecord? {
        guard height >= mainBase, height - mainBase < UInt64(mainChain.count) else { return nil }
        return records[mainChain[Int(height - mainBase)]]
    }

    /// The lowest height ``record(atHeight:)`` answers.
    public var lowestHeight: UInt64 { mainBase }

    /// The context for validating a child of `parentHash`, or nil if the parent is unknown.
    public func parentContext(_ parentHash: [UInt8]) -> ParentContext? {
        guard let parent = records[parentHash] else { return nil }
        var times: [UInt64] = []
        var cur: BlockRecord? = parent
        while let c = cur, times.count < config.medianTimeSpan {
            times.append(c.time)
            cur = c.height == 0 ? nil : records[c.parentHash]
        }
        let window = parent.hash == head.hash ? headNullifiers : branchNullifiers(tip: parent)
        let height = Int64(parent.height + 1)
        return ParentContext(parent: parent, recentTimes: times.reversed(),
                             isNullifierSeen: { window.isSeen($0, atHeight: height) })
    }

    /// Applies a block the store has committed; returns true when it became the head.
    @discardableResult
    public mutating func add(_ record: BlockRecord, nullifiers: [Nullifier]) -> Bool {
        records[record.hash] = record
        blockNullifiers[record.hash] = nullifiers
        if record.parentHash == head.hash, ForkChoice.prefers(record, over: head) {
            head = record
            mainChain.append(record.hash)
            headNullifiers.record(nullifiers, height: Int64(record.height))
            prune()
            return true
        }
        if ForkChoice.prefers(record, over: head) {
            switchHead(to: record)
            prune()
            return true
        }
        return false
    }

    /// Drops what fell out of the window (in batches of ``reorgSlack`` heights, so the sweep over
    /// the dictionaries runs once every 64 blocks, not on every block).
    private mutating func prune() {
        let keep = window
        guard head.height > keep + Self.reorgSlack else { return }
        let floor = head.height - keep
        guard mainBase + Self.reorgSlack <= floor else { return }
        let old = records.filter { $0.value.height < floor }
        for hash in old.keys {
            records[hash] = nil
            blockNullifiers[hash] = nil
        }
        if floor > mainBase {
            mainChain.removeFirst(Int(min(floor - mainBase, UInt64(mainChain.count))))
            mainBase = floor
        }
    }

    /// Whether `record` would become the head if added.
    public func wouldBecomeHead(_ record: BlockRecord) -> Bool { ForkChoice.prefers(record, over: head) }

    private mutating func switchHead(to tip: BlockRecord) {
        head = tip
        var chain: [[UInt8]] = []
        var cur: BlockRecord? = tip
        var base = tip.height
        while let c = cur {
            chain.append(c.hash)
            base = c.height
            cur = c.height == 0 ? nil : records[c.parentHash]
        }
        mainChain = chain.reversed()
        mainBase = base
        headNullifiers = branchNullifiers(tip: tip)
    }

    /// The nullifier window of the branch ending at `tip` (walks back `nullifierTTL` blocks).
    private func branchNullifiers(tip: BlockRecord) -> InMemoryNullifierStore {
        var store = InMemoryNullifierStore(ttl: config.policy.nullifierTTL)
        var branch: [BlockRecord] = []
        var cur: BlockRecord? = tip
        let ttl = UInt64(max(0, config.policy.nullifierTTL))
        while let c = cur, c.height + ttl + 1 >= tip.height + 1 {
            branch.append(c)
            cur = c.height == 0 ? nil : records[c.parentHash]
        }
        for r in branch.reversed() { store.record(blockNullifiers[r.hash] ?? [], height: Int64(r.height)) }
        return store
    }
}
