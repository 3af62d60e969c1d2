import MiningCore

/// A produced proof on its way to, or waiting in, a pool.
struct SimProof {
    var type: ProofType
    var metrics: ProofMetrics
    /// ψ_adj under the current α (recomputed when the α tuner moves α).
    var psiAdjMicro: Int64
    /// `min(max(ψ_adj, 0), perProofCap[type])`: what the proof can add to its type (spec §5 step 1).
    var cappedMicro: Int64
    var nullifier: Nullifier
    var provider: Int
    var serial: UInt64
    var honest: Bool
    var candidate: CandidateProof { CandidateProof(type: type, psiAdjMicro: psiAdjMicro, nullifier: nullifier) }
}

/// Proofs in flight (produced, not yet arrived), held out of the event heap: an `.arrive` event
/// carries only a slot number, so heap entries stay small and sifting them stays cheap. Slots are
/// reused in LIFO order, which is deterministic.
struct ProofSlab {
    private var slots: [SimProof] = []
    private var free: [Int32] = []

    mutating func put(_ p: SimProof) -> Int32 {
        if let i = free.popLast() {
            slots[Int(i)] = p
            return i
        }
        slots.append(p)
        return Int32(slots.count - 1)
    }

    mutating func take(_ i: Int32) -> SimProof {
        free.append(i)
        return slots[Int(i)]
    }
}

/// Proofs an owner (a miner group, or the market) holds, at most `maxProofs[type]` per type:
/// the selector maximises credited Σψ, which never needs more than the best `maxProofs` of a
/// type, so a lower-ψ proof beyond that bound is dropped. Memory stays O(providers).
///
/// The pool also keeps, per type, the sum of its per-proof-capped values. Because it never holds
/// more than `maxProofs` of a type, that sum is the "best maxProofs values" term of the optimal
/// credit (`PolicyBridge.optimalCredit(cappedSums:)`), available in O(1) on every arrival.
///
/// A full type turns most arrivals away (a farm's proofs are alike, and the newest of equals is
/// the one dropped), so the pool remembers each full type's worst proof and rejects a proof that
/// is no better in O(1) instead of rescanning.
struct ProofPool {
    private(set) var proofs: [SimProof] = []
    /// Σ `cappedMicro` by `ProofType.rawValue` (index 0 unused).
    private(set) var cappedSum: [Int64] = Array(repeating: 0, count: 6)
    /// Proofs held by `ProofType.rawValue`.
    private var held: [Int] = Array(repeating: 0, count: 6)
    /// By `ProofType.rawValue`: (ψ_adj, serial) of the type's worst proof (lowest ψ_adj, then the
    /// latest), `nil` when not known since the type last changed.
    private var worst: [(psi: Int64, serial: UInt64)?] = Array(repeating: nil, count: 6)

    var isEmpty: Bool { proofs.isEmpty }

    /// Adds `p`; if the type is then over `maxOfType`, drops its worst proof (lowest ψ_adj, then
    /// the latest). Returns false when that was `p` itself: the pool did not change.
    mutating func add(_ p: SimProof, maxOfType: Int) -> Bool {
        let t = Int(p.type.rawValue)
        if held[t] < maxOfType {
            proofs.append(p)
            cappedSum[t] += p.cappedMicro
            held[t] += 1
            worst[t] = nil
            return true
        }
        guard held[t] > 0 else { return false }
        let w = worstHeld(p.type)
        if p.psiAdjMicro < w.psi || (p.psiAdjMicro == w.psi && p.serial > w.serial) { return false }
        // `p` displaces the worst: the array ends as "append p, then remove the worst" leaves it.
        let k = proofs.firstIndex { $0.type == p.type && $0.psiAdjMicro == w.psi && $0.serial == w.serial }!
        remove(at: k)
        proofs.append(p)
        cappedSum[t] += p.cappedMicro
        held[t] += 1
        return true
    }

    /// Whether `add` would drop at once a proof of `type` with ψ_adj `psiAdjMicro` and a serial
    /// later than every held one (as every new proof's is).
    mutating func turnsAway(_ type: ProofType, psiAdjMicro: Int64, maxOfType: Int) -> Bool {
        let t = Int(type.rawValue)
        if held[t] < maxOfType { return false }
        guard held[t] > 0 else { return true }
        return psiAdjMicro <= worstHeld(type).psi
    }

    /// (ψ_adj, serial) of the worst held proof of `type` (which holds at least one), memoised.
    private mutating func worstHeld(_ type: ProofType) -> (psi: Int64, serial: UInt64) {
        let t = Int(type.rawValue)
        if let known = worst[t] { return known }
        var k = -1
        for (i, q) in proofs.enumerated() where q.type == type {
            if k < 0 || Self.worse(q, than: proofs[k]) { k = i }
        }
        let w = (psi: proofs[k].psiAdjMicro, serial: proofs[k].serial)
        worst[t] = w
        return w
    }

    /// The drop order: lower ψ_adj first, then the later serial.
    @inline(__always)
    static func worse(_ a: SimProof, than b: SimProof) -> Bool {
        a.psiAdjMicro < b.psiAdjMicro || (a.psiAdjMicro == b.psiAdjMicro && a.serial > b.serial)
    }

    mutating func remove(provider: Int, serial: UInt64) -> Bool {
        guard let i = proofs.firstIndex(where: { $0.provider == provider && $0.serial == serial }) else { return false }
        remove(at: i)
        return true
    }

    /// Removes every proof whose nullifier is in `nullifiers` (a block's few attached proofs).
    mutating func remove(nullifiers: [Nullifier]) -> Bool {
        var removed = false
        var i = 0
        while i < proofs.count {
            if nullifiers.contains(proofs[i].nullifier) { remove(at: i); removed = true } else { i += 1 }
        }
        return removed
    }

    /// Re-prices every proof (α moved): `price` gives (ψ_adj, capped) for a proof.
    mutating func reprice(_ price: (SimProof) -> (Int64, Int64)) {
        for i in proofs.indices {
            let (psi, capped) = price(proofs[i])
            cappedSum[Int(proofs[i].type.rawValue)] += capped - proofs[i].cappedMicro
            proofs[i].psiAdjMicro = psi
            proofs[i].cappedMicro = capped
        }
        for t in worst.indices { worst[t] = nil }
    }

    private mutating func remove(at i: Int) {
        let t = Int(proofs[i].type.rawValue)
        cappedSum[t] -= proofs[i].cappedMicro
        held[t] -= 1
        worst[t] = nil
        proofs.remove(at: i)
    }
}
