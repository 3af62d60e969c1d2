// SEAM: nullifier TTL store. Stand-in until MiningCore's NullifierStore lands on main.

/// Nullifiers seen on the chain within the last `ttl` blocks.
struct NullifierWindow {
    let ttl: Int
    private var seen: Set<Nullifier> = []
    private var fifo: [(height: Int, n: Nullifier)] = []
    private var head = 0

    init(ttl: Int) { self.ttl = ttl }

    func contains(_ n: Nullifier) -> Bool { seen.contains(n) }

    /// Records the nullifiers of the block at `height` and forgets those older than the TTL.
    mutating func insert(_ ns: [Nullifier], height: Int) {
        for n in ns { seen.insert(n); fifo.append((height, n)) }
        while head < fifo.count && fifo[head].height <= height - ttl {
            seen.remove(fifo[head].n)
            head += 1
        }
        if head > 4096 && head * 2 > fifo.count { fifo.removeFirst(head); head = 0 }
    }
}
