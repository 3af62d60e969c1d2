import HeapModule

/// A timed event in virtual time. Events at the same time run in insertion order (`seq`), which
/// makes every run a pure function of the scenario and seed.
struct Event: Comparable {
    var time: Double
    var seq: UInt64
    var kind: Kind

    enum Kind {
        /// Miner group `group` changes its per-miner hashrate to `hashrate`.
        case setHashrate(group: Int, hashrate: Double)
        /// Miner group joins (true) or leaves (false) the network.
        case setOnline(group: Int, online: Bool)
        /// Provider group `provider` produces one proof (and schedules its next one).
        case produce(provider: Int)
        /// A produced proof reaches its owner's pool after its latency (its slot in the
        /// replication's `ProofSlab`: the proof itself stays out of the heap).
        case arrive(slot: Int32)
        /// A block reaches miner group `group` (network mode).
        case deliver(group: Int, block: Int)
        /// A proof's validity window ends.
        case expire(provider: Int, serial: UInt64)
    }

    static func < (a: Event, b: Event) -> Bool { a.time < b.time || (a.time == b.time && a.seq < b.seq) }
    static func == (a: Event, b: Event) -> Bool { a.time == b.time && a.seq == b.seq }
}

/// The pending events, ordered by (time, insertion sequence), on swift-collections' `Heap`.
struct EventQueue {
    private var heap = Heap<Event>()
    private var seq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var nextTime: Double { heap.min?.time ?? .infinity }
    var count: Int { heap.count }

    mutating func push(_ time: Double, _ kind: Event.Kind) {
        seq &+= 1
        heap.insert(Event(time: time, seq: seq, kind: kind))
    }

    mutating func pop() -> Event? { heap.popMin() }
}
