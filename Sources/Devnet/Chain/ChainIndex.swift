import MiningCore

/// The in-memory view of every stored block: records by hash, the best tip, the main chain by
/// height and the nullifier window of the best tip. Pure value logic (no I/O): the node loads it
/// from the store at start and applies each block after the store committed it.
public struct ChainIndex: Sendable {
    public let config: ChainConfig
    public private(set) var records: [[UInt8]: BlockRecord] = [:]
    /// Nullifiers each block recorded (to rebuild a branch's window after a reorg).
    private var blockNullifiers: [[UInt8]: [Nullifier]] = [:]
    public private(set) var head: BlockRecord
    /// Hashes of the main chain by height (index = height).
    public private(set) var mainChain: [[UInt8]] = []
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

    /// Rebuilds the index from stored records (any order) and the nullifiers of each block;
    /// the head is the fork-choice best (the store's head is only a hint).
    public init(config: ChainConfig, records list: [BlockRecord], nullifiers: [[UInt8]: [Nullifier]]) {
        self.init(config: config)
        for r in list { records[r.hash] = r }
        blockNullifiers = nullifiers
        let best = records.values.max { ForkChoice.prefers($1, over: $0) } ?? head
        switchHead(to: best)
    }

    public func record(_ hash: [UInt8]) -> BlockRecord? { records[hash] }

    /// The main-chain record at `height`.
    public func record(atHeight height: UInt64) -> BlockRecord? {
        guard height < UInt64(mainChain.count) else { return nil }
        return records[mainChain[Int(height)]]
    }

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
            return true
        }
        if ForkChoice.prefers(record, over: head) {
            switchHead(to: record)
            return true
        }
        return false
    }

    /// Whether `record` would become the head if added.
    public func wouldBecomeHead(_ record: BlockRecord) -> Bool { ForkChoice.prefers(record, over: head) }

    private mutating func switchHead(to tip: BlockRecord) {
        head = tip
        var chain: [[UInt8]] = []
        var cur: BlockRecord? = tip
        while let c = cur {
            chain.append(c.hash)
            cur = c.height == 0 ? nil : records[c.parentHash]
        }
        mainChain = chain.reversed()
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
