import DequeModule
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
        /// Parked provider group `provider` must rejoin the queue before its stream's counter
        /// could reach `DistinctDraws.counterBound` (`ProviderParking`).
        case wake(provider: Int)
    }

    static func < (a: Event, b: Event) -> Bool { a.time < b.time || (a.time == b.time && a.seq < b.seq) }
    static func == (a: Event, b: Event) -> Bool { a.time == b.time && a.seq == b.seq }
}

/// The pending events, ordered by (time, insertion sequence): swift-collections' `Heap`, plus a
/// FIFO lane for `.produce` events.
///
/// Why the lane: an interval provider re-schedules itself at `now + interval`, so once every
/// provider has produced once their events are pushed in time order, and a queue ordered by
/// (time, seq) needs no sifting for them — with a hundred providers the heap was a tenth of the
/// `ai` workload. A `.produce` event goes to the lane only when it is not earlier than the lane's
/// last one (so the lane stays sorted by (time, seq)); otherwise, and for every other kind, to the
/// heap. `pop` takes the smaller of the two fronts, so the order is exactly the single heap's.
struct EventQueue {
    private var heap = Heap<Event>()
    private var lane = Deque<Event>()
    private var seq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty && lane.isEmpty }
    var nextTime: Double { min(heap.min?.time ?? .infinity, lane.first?.time ?? .infinity) }
    var count: Int { heap.count + lane.count }

    mutating func push(_ time: Double, _ kind: Event.Kind) {
        seq &+= 1
        let e = Event(time: time, seq: seq, kind: kind)
        if case .produce = kind, lane.last.map({ $0.time <= time }) ?? true {
            lane.append(e)
        } else {
            heap.insert(e)
        }
    }

    mutating func pop() -> Event? {
        if let l = lane.first, heap.min.map({ l < $0 }) ?? true { return lane.removeFirst() }
        return heap.popMin()
    }
}
