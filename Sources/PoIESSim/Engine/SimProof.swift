import MiningCore

/// A produced proof on its way to, or waiting in, a pool.
struct SimProof {
    var type: ProofType
    var metrics: ProofMetrics
    /// ψ_adj under the current α (recomputed when the α tuner moves α).
    var psiAdjMicro: Int64
    var nullifier: Nullifier
    var provider: Int
    var serial: UInt64
    var honest: Bool
    var candidate: CandidateProof { CandidateProof(type: type, psiAdjMicro: psiAdjMicro, nullifier: nullifier) }
}

/// Proofs an owner (a miner group, or the market) holds, at most `maxProofs[type]` per type:
/// the selector maximises credited Σψ, which never needs more than the best `maxProofs` of a
/// type, so a lower-ψ proof beyond that bound is dropped. Memory stays O(providers).
struct ProofPool {
    var proofs: [SimProof] = []

    mutating func add(_ p: SimProof, maxOfType: Int) {
        proofs.append(p)
        var n = 0, worst = -1
        for (i, q) in proofs.enumerated() where q.type == p.type {
            n += 1
            if worst < 0 || q.psiAdjMicro < proofs[worst].psiAdjMicro
                || (q.psiAdjMicro == proofs[worst].psiAdjMicro && q.serial > proofs[worst].serial) { worst = i }
        }
        if n > maxOfType, worst >= 0 { proofs.remove(at: worst) }
    }

    mutating func remove(provider: Int, serial: UInt64) -> Bool {
        guard let i = proofs.firstIndex(where: { $0.provider == provider && $0.serial == serial }) else { return false }
        proofs.remove(at: i)
        return true
    }

    mutating func remove(nullifiers: Set<Nullifier>) -> Bool {
        let before = proofs.count
        proofs.removeAll { nullifiers.contains($0.nullifier) }
        return proofs.count != before
    }
}
