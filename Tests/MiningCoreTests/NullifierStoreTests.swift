import MiningCore
import Testing
import TestSupport

/// The TTL window of spec §5 (boundary: seen iff `h − ttl ≤ s ≤ h`) and the store's memory bound.
@Suite struct NullifierStoreTests {
    static func n(_ i: UInt64) -> Nullifier { Nullifier(w0: i, w1: ~i, w2: i &* 0x9E37_79B9_7F4A_7C15, w3: 7) }

    @Test func ttlBoundaryIsInclusiveAtHMinusTTL() {
        var store = InMemoryNullifierStore(ttl: 8192)
        store.record(Self.n(1), height: 1000)
        #expect(store.isSeen(Self.n(1), atHeight: 1000))               // same block
        #expect(store.isSeen(Self.n(1), atHeight: 1001))
        #expect(store.isSeen(Self.n(1), atHeight: 1000 + 8191))        // s = h − TTL + 1
        #expect(store.isSeen(Self.n(1), atHeight: 1000 + 8192))        // s = h − TTL: still within
        #expect(!store.isSeen(Self.n(1), atHeight: 1000 + 8193))       // s = h − TTL − 1: free again
        #expect(!store.isSeen(Self.n(1), atHeight: 999))               // recorded above h
        #expect(!store.isSeen(Self.n(2), atHeight: 1000))
    }

    @Test func ttlZeroMeansOnlyTheSameHeight() {
        var store = InMemoryNullifierStore(ttl: 0)
        store.record(Self.n(1), height: 5)
        #expect(store.isSeen(Self.n(1), atHeight: 5))
        #expect(!store.isSeen(Self.n(1), atHeight: 6))
    }

    @Test func reRecordingExtendsTheWindow() {
        var store = InMemoryNullifierStore(ttl: 10)
        store.record(Self.n(1), height: 0)
        store.record(Self.n(1), height: 8)
        store.record(Self.n(1), height: 3)   // lower: keeps 8
        #expect(store.lastSeen(Self.n(1)) == 8)
        #expect(store.isSeen(Self.n(1), atHeight: 18))
        #expect(!store.isSeen(Self.n(1), atHeight: 19))
        // Pruning the old height must not drop the newer record.
        store.prune(belowHeight: 5)
        #expect(store.isSeen(Self.n(1), atHeight: 18))
        store.prune(belowHeight: 9)
        #expect(store.count == 0)
    }

    @Test func memoryStaysBoundedOverMillionsOfInserts() {
        // 2,000,000 inserts: 10 fresh nullifiers per height for 200,000 heights, TTL 1000.
        var store = InMemoryNullifierStore(ttl: 1000)
        var maxCount = 0, maxHeights = 0
        var i: UInt64 = 0
        for h in Int64(0)..<200_000 {
            for _ in 0..<10 {
                store.record(Self.n(i), height: h)
                i += 1
            }
            maxCount = max(maxCount, store.count)
            maxHeights = max(maxHeights, store.retainedHeights)
        }
        #expect(i == 2_000_000)
        #expect(maxCount == 10 * 1001)
        #expect(maxHeights == 1001)
        // The newest are still seen, the expired are gone.
        #expect(store.isSeen(Self.n(i - 1), atHeight: 199_999))
        #expect(!store.isSeen(Self.n(0), atHeight: 199_999))
        // An explicit prune empties it.
        store.prune(belowHeight: 200_000)
        #expect(store.count == 0 && store.retainedHeights == 0)
    }

    @Test func agreesWithANaiveModel() {
        // Fixed seed 11: random records on a forward-moving chain, random queries at or above the tip.
        var rng = SplitMix64(seed: 11)
        let ttl: Int64 = 50
        var store = InMemoryNullifierStore(ttl: ttl)
        var model: [Nullifier: Int64] = [:]
        var tip: Int64 = 0
        for _ in 0..<20_000 {
            tip += Int64.random(in: 0...2, using: &rng)
            let x = Self.n(UInt64.random(in: 0..<500, using: &rng))
            store.record(x, height: tip)
            model[x] = max(model[x] ?? .min, tip)
            if Int.random(in: 0..<10, using: &rng) == 0 { store.prune(belowHeight: tip - ttl - Int64.random(in: 0...5, using: &rng)) }
            let q = Self.n(UInt64.random(in: 0..<500, using: &rng))
            let h = tip + Int64.random(in: 0...(ttl + 3), using: &rng)
            let expected = model[q].map { h - ttl <= $0 && $0 <= h } ?? false
            #expect(store.isSeen(q, atHeight: h) == expected, "query at \(h), tip \(tip)")
        }
    }

    @Test func blockReplayRule() {
        var store = InMemoryNullifierStore(ttl: 100)
        store.record([Self.n(1), Self.n(2)], height: 10)
        #expect(store.replayViolation(in: [Self.n(3), Self.n(4)], atHeight: 11) == nil)
        #expect(store.replayViolation(in: [Self.n(3), Self.n(2)], atHeight: 11) == .seenWithinTTL(Self.n(2), index: 1))
        #expect(store.replayViolation(in: [Self.n(3), Self.n(5), Self.n(3)], atHeight: 11)
                == .duplicateInBlock(Self.n(3), first: 0, second: 2))
        #expect(store.replayViolation(in: [Self.n(2)], atHeight: 111) == nil)
    }
}
