import MiningCore
import Verifiers

/// Miners' own proofs, held per session (spec v1.1 §9, "Miners' own proofs"). A pure value the
/// node actor owns; time is passed in.
///
/// The rules it keeps (docs/decisions/devnet-own-proofs.md):
/// - **first come, first held**: a nullifier belongs to at most one session; the node's own pool
///   and the chain's `nullifierTTL` window are checked by the node beside ``holder(of:)``;
/// - **per type at most `maxProofs`** of the policy per session;
/// - **parent-bound proofs expire with the head**: VDF (`g = H2G(parentHash)`), storage
///   (challenges of the next height) and hash shares are verified for one parent and dropped at
///   every new head; AI and quantum proofs are bound to no parent and stay held until a block
///   uses their nullifier or the session ends;
/// - **a bounded share of a core**: each session has a budget of verification time
///   (``Budget``), refilled at ``Budget/coreShare`` seconds per second; a proof submitted while
///   it is spent is refused without being verified.
struct SessionProofBook: Sendable {
    struct Held: Sendable {
        var envelope: ProofEnvelope
        var credit: CreditedProof
        /// For a hash share, the template it was mined on (a sealed block carries it).
        var template: HeaderTemplate? = nil
    }

    /// Verification time a session may spend: `capacity` seconds at most, refilled at
    /// `coreShare` seconds per second (0.25: a quarter of one core).
    struct Budget: Sendable, Equatable {
        var capacity: Double = 2
        var coreShare: Double = 0.25
    }

    let budget: Budget
    private(set) var sessions: [UInt32: [Held]] = [:]
    private var holders: [[UInt8]: UInt32] = [:]
    private var spent: [UInt32: (seconds: Double, at: ContinuousClock.Instant)] = [:]

    init(budget: Budget = Budget()) { self.budget = budget }

    /// Proof types verified for one parent only.
    static func isParentBound(_ t: ProofType) -> Bool { t == .vdf || t == .storage || t == .hashShare }

    /// The session holding nullifier `n`, if any.
    func holder(of n: [UInt8]) -> UInt32? { holders[n] }

    func held(_ e1: UInt32) -> [Held] { sessions[e1] ?? [] }

    func count(_ e1: UInt32, type: ProofType) -> Int { sessions[e1]?.reduce(0) { $0 + ($1.envelope.type == type ? 1 : 0) } ?? 0 }

    /// Held proofs by type, over all sessions.
    var heldByType: PerType<Int> {
        var c = PerType(repeating: 0)
        for list in sessions.values { for h in list { c[h.envelope.type] += 1 } }
        return c
    }

    mutating func hold(_ h: Held, session e1: UInt32) {
        sessions[e1, default: []].append(h)
        holders[h.envelope.nullifier] = e1
    }

    /// Holds a hash share for `e1`, keeping the `max` deepest: when the session is full the
    /// shallowest share gives way to a deeper one. Returns whether `h` is held.
    mutating func holdShare(_ h: Held, session e1: UInt32, max: Int64) -> Bool {
        var list = sessions[e1] ?? []
        guard let gone = Self.keepDeepest(h, in: &list, max: max) else { return false }
        if let gone { holders[gone.envelope.nullifier] = nil }
        sessions[e1] = list
        holders[h.envelope.nullifier] = e1
        return true
    }

    /// Adds hash share `h` to `list` unless it already holds `max` shares at least as deep
    /// (ψ before caps, then nullifier bytes for a deterministic tie), in which case the answer
    /// is nil; otherwise the answer is the share that gave way (`.some(nil)`: none had to).
    static func keepDeepest(_ h: Held, in list: inout [Held], max: Int64) -> Held?? {
        guard max > 0 else { return nil }
        let shares = list.indices.filter { list[$0].envelope.type == .hashShare }
        if Int64(shares.count) < max { list.append(h); return .some(nil) }
        func shallower(_ a: Held, _ b: Held) -> Bool {
            a.credit.psiAdjMicro != b.credit.psiAdjMicro ? a.credit.psiAdjMicro < b.credit.psiAdjMicro
                : a.envelope.nullifier.lexicographicallyPrecedes(b.envelope.nullifier)
        }
        guard let i = shares.min(by: { shallower(list[$0], list[$1]) }), shallower(list[i], h) else { return nil }
        let gone = list[i]
        list[i] = h
        return .some(gone)
    }

    /// The session ended.
    mutating func drop(session e1: UInt32) {
        for h in sessions.removeValue(forKey: e1) ?? [] { holders[h.envelope.nullifier] = nil }
        spent[e1] = nil
    }

    /// A new head: parent-bound proofs expire, and so do proofs whose nullifier the new chain has
    /// used (`isSeen`, the TTL window of the child of the new head).
    mutating func headMoved(isSeen: (Nullifier) -> Bool) {
        for (e1, list) in sessions {
            let keep = list.filter { !Self.isParentBound($0.envelope.type) && !isSeen($0.credit.nullifier) }
            for h in list where !keep.contains(where: { $0.envelope.nullifier == h.envelope.nullifier }) {
                holders[h.envelope.nullifier] = nil
            }
            sessions[e1] = keep.isEmpty ? nil : keep
        }
    }

    /// Whether session `e1` has verification time left at `now`.
    mutating func hasBudget(_ e1: UInt32, now: ContinuousClock.Instant) -> Bool {
        refill(e1, now: now) < budget.capacity
    }

    /// Charges `seconds` of verification to session `e1`.
    mutating func charge(_ e1: UInt32, seconds: Double, now: ContinuousClock.Instant) {
        let used = refill(e1, now: now)
        spent[e1] = (used + seconds, now)
    }

    /// Seconds spent and not yet refilled.
    private mutating func refill(_ e1: UInt32, now: ContinuousClock.Instant) -> Double {
        guard let s = spent[e1] else { return 0 }
        let (secs, atto) = (now - s.at).components
        let back = max(0, Double(secs) + Double(atto) * 1e-18) * budget.coreShare
        let used = max(0, s.seconds - back)
        spent[e1] = (used, now)
        return used
    }
}
