import MiningCore

/// The spent nullifiers' TTL window: an `InMemoryNullifierStore`, built only once a replay lookup
/// can be needed.
///
/// Why: while `DistinctDraws` proves that no simulated nullifier repeats, the engine never asks
/// whether one was seen, yet recording every attached proof hashed it into two dictionaries
/// (a tenth of the `ai` workload). Until then the records are kept as a log in height order, its
/// entries below the pruned floor dropped; the first lookup replays the log into a store and
/// prunes it to the same floor. For heights that never decrease (one shared tip: rate and exact
/// mode) that store answers every lookup as the one fed all along would: both hold, for each
/// nullifier, its latest recording at or above the floor, and a lookup only compares that height
/// with its own and the TTL. Other modes (`deferred: false`) use the store from the start.
struct SpentNullifiers {
    let ttl: Int64
    private var store: InMemoryNullifierStore?
    private var log: [(nullifier: Nullifier, height: Int64)] = []
    private var head = 0
    private var floor: Int64?

    init(ttl: Int64, deferred: Bool) {
        self.ttl = ttl
        if !deferred { store = InMemoryNullifierStore(ttl: ttl) }
    }

    mutating func record(_ n: Nullifier, height: Int64) {
        if store != nil { store!.record(n, height: height); return }
        log.append((n, height))
    }

    mutating func prune(belowHeight h: Int64) {
        if store != nil { store!.prune(belowHeight: h); return }
        if let f = floor, h <= f { return }
        floor = h
        while head < log.count && log[head].height < h { head += 1 }
        if head > 4096 && head * 2 > log.count {
            log.removeFirst(head)
            head = 0
        }
    }

    mutating func isSeen(_ n: Nullifier, atHeight h: Int64) -> Bool {
        if store == nil {
            var s = InMemoryNullifierStore(ttl: ttl)
            for e in log[head...] { s.record(e.nullifier, height: e.height) }
            if let f = floor { s.prune(belowHeight: f) }
            store = s
            log = []
            head = 0
        }
        return store!.isSeen(n, atHeight: h)
    }
}
