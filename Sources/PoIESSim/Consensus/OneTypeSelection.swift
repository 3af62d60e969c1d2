import MiningCore

/// What the selector needs of a pooled proof.
protocol SelectableProof {
    var type: ProofType { get }
    var psiAdjMicro: Int64 { get }
    var nullifier: Nullifier { get }
}

extension SimProof: SelectableProof {}
extension CandidateProof: SelectableProof {}

extension PolicyBridge {
    /// Proofs with credit beyond which `selectOneType` defers to the full selector. Up to 19 the
    /// selector's branch and bound has at most 2^20 − 1 nodes, under its 2,000,000 budget, so it is
    /// exhaustive and its answer is the unique optimum this function computes directly.
    static let oneTypeLimit = 19

    /// `select(candidates)` without `ProofSelector`'s allocations, for the pools the simulator holds
    /// almost always: every proof with credit is of one type (a miner's own farm), at most
    /// `oneTypeLimit` of them, nullifiers distinct. Writes into `sel` (reusing its storage) and
    /// returns true; returns false, leaving `sel` alone, when the case does not apply.
    ///
    /// Why it equals the selector (see `ProofSelector`'s proof): with one type t, values
    /// `v = min(max(ψ_adj, 0), perProofCap_t)`, `E = effectiveCap_t ≤ Γ` and `K = maxProofs_t`,
    /// the optimal credit is `C* = min(Γ, E, Σ of the K largest v)` and the fewest proofs reaching it,
    /// `c*`, is the shortest prefix of the v-descending order whose clipped sum reaches `C*`. A set of
    /// `c*` proofs reaches `C*` iff its Σv ≥ C*. Sizes are all 0 in the simulator, so the remaining
    /// tie-break is the lexicographically smallest sorted nullifier list, which the greedy below
    /// builds: in nullifier order, take a proof whenever the proofs after it can still complete the
    /// set. Credit of the chosen set: the type stage downscales to E when Σv > E (its exact total is
    /// `Downscale.total`), and the Γ stage never binds because that total is ≤ E ≤ Γ.
    ///
    /// `distinctNullifiers` (the caller knows no two candidates share a nullifier, see
    /// `DistinctDraws`) allows the alike case without sorting: when every v is equal, any c* proofs
    /// reach C*, so the greedy takes the c* smallest nullifiers.
    func selectOneType<P: SelectableProof>(_ candidates: [P], into sel: inout Selection, distinctNullifiers: Bool = false) -> Bool {
        let n = candidates.count
        if n == 0 {
            sel.chosen.removeAll(keepingCapacity: true)
            sel.creditedMicro = 0
            for i in 1...5 { sel.creditedByType[i] = 0 }
            return true
        }
        var type: ProofType?
        var m = 0
        for c in candidates where c.psiAdjMicro > 0 && perProofCap[Int(c.type.rawValue)] > 0 {
            if let t = type, t != c.type { return false }
            type = c.type
            m += 1
        }
        guard m <= Self.oneTypeLimit else { return false }
        guard let t = type, effectiveCap[Int(t.rawValue)] > 0, maxProofs(t) > 0, policy.gammaCapMicro > 0 else {
            // No candidate can add credit: the selector chooses nothing.
            sel.chosen.removeAll(keepingCapacity: true)
            sel.creditedMicro = 0
            for i in 1...5 { sel.creditedByType[i] = 0 }
            return true
        }
        let cap = perProofCap[Int(t.rawValue)], e = effectiveCap[Int(t.rawValue)], gamma = policy.gammaCapMicro
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * m) { buf -> Bool in
            // byValue: candidate indices by v descending; byNullifier: by nullifier ascending.
            var byValue = UnsafeMutableBufferPointer(rebasing: buf[0..<m])
            var byNullifier = UnsafeMutableBufferPointer(rebasing: buf[m..<(2 * m)])
            var k = 0
            for (i, c) in candidates.enumerated() where c.psiAdjMicro > 0 && c.type == t {
                byValue[k] = i
                byNullifier[k] = i
                k += 1
            }
            func v(_ i: Int) -> Int64 { min(candidates[i].psiAdjMicro, cap) }
            // Alike proofs (a farm's) are already in v order: only values are read from it.
            let v0 = v(byValue[0])
            let alike = !byValue.contains { v($0) != v0 }
            if !alike { byValue.sort { v($0) > v($1) } }
            if alike && distinctNullifiers {
                chooseSmallestNullifiers(candidates, byValue, v0: v0, maxK: min(maxProofs(t), m), e: e, gamma: gamma, into: &sel)
                sel.creditedMicro = sel.creditedByType[Int(t.rawValue)]
                return true
            }
            byNullifier.sort { candidates[$0].nullifier < candidates[$1].nullifier }
            for j in 1..<max(m, 1) where candidates[byNullifier[j - 1]].nullifier == candidates[byNullifier[j]].nullifier {
                return false  // a duplicate: the selector's keep-the-best rule applies
            }
            // C* and c* from the clipped prefix sums (the selector's increments, all of one type).
            let maxK = min(maxProofs(t), m)
            var sum: Int64 = 0
            var increments = 0
            for j in 0..<maxK {
                let next = min(e, sum + v(byValue[j]))
                if next == sum { break }
                sum = next
                increments += 1
            }
            let creditStar = min(gamma, sum)
            var cStar = 0
            var acc: Int64 = 0
            for j in 0..<increments {
                if min(gamma, acc) >= creditStar { break }
                acc = min(e, acc + v(byValue[j]))
                cStar += 1
            }
            // The lexicographically smallest nullifier list of c* proofs with Σv ≥ C*. Sums in
            // 128 bits: up to 19 values of any size.
            sel.chosen.removeAll(keepingCapacity: true)
            var need = Int128(creditStar), r = cStar
            var total: Int128 = 0
            for i in byNullifier where r > 0 {
                // Can r − 1 of the proofs after i in nullifier order supply need − v(i)?
                var best: Int128 = 0, taken = 0
                if r > 1 {
                    for q in byValue where taken < r - 1 && candidates[q].nullifier > candidates[i].nullifier {
                        best += Int128(v(q))
                        taken += 1
                    }
                }
                if taken == r - 1 && Int128(v(i)) + best >= need {
                    sel.chosen.append(i)
                    total += Int128(v(i))
                    need -= Int128(v(i))
                    r -= 1
                }
            }
            sel.chosen.sort()
            let credited = total > Int128(e) ? Downscale.total(of: sel.chosen.lazy.map { v($0) }, target: e) : Int64(total)
            sel.creditedMicro = credited
            for i in 1...5 { sel.creditedByType[i] = 0 }
            sel.creditedByType[Int(t.rawValue)] = credited
            return true
        }
    }

    /// The alike case of `selectOneType`: `m` candidates (`indices`, of one type t) of equal value
    /// `v0`, distinct nullifiers. C* and c* as in the general case (the prefix sums of equal values),
    /// then the c* smallest nullifiers, found by c* scans; writes the chosen indices (ascending) and
    /// the credit into `creditedByType[t]`.
    private func chooseSmallestNullifiers<P: SelectableProof>(_ candidates: [P], _ indices: UnsafeMutableBufferPointer<Int>, v0: Int64,
                                                              maxK: Int, e: Int64, gamma: Int64, into sel: inout Selection) {
        var sum: Int64 = 0
        var increments = 0
        for _ in 0..<maxK {
            let next = min(e, sum + v0)
            if next == sum { break }
            sum = next
            increments += 1
        }
        let creditStar = min(gamma, sum)
        var cStar = 0
        var acc: Int64 = 0
        for _ in 0..<increments {
            if min(gamma, acc) >= creditStar { break }
            acc = min(e, acc + v0)
            cStar += 1
        }
        sel.chosen.removeAll(keepingCapacity: true)
        var last: Nullifier?
        for _ in 0..<cStar {
            var pick = -1
            for i in indices {
                let n = candidates[i].nullifier
                if let l = last, n <= l { continue }
                if pick < 0 || n < candidates[pick].nullifier { pick = i }
            }
            sel.chosen.append(pick)
            last = candidates[pick].nullifier
        }
        sel.chosen.sort()
        let total = Int128(v0) * Int128(cStar)
        let t = Int(candidates[indices[0]].type.rawValue)
        for i in 1...5 { sel.creditedByType[i] = 0 }
        sel.creditedByType[t] = total > Int128(e) ? Downscale.total(of: sel.chosen.lazy.map { _ in v0 }, target: e) : Int64(total)
    }
}
