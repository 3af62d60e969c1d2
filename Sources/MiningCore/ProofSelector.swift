#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A proof a block could carry: its type, ψ_adj, nullifier and encoded size.
public struct SelectionCandidate: Sendable, Hashable {
    public var type: ProofType
    public var psiAdjMicro: Int64
    public var nullifier: [UInt8]
    /// Encoded size in bytes (a tie-break: fewer bytes win). 0 when unknown.
    public var sizeBytes: Int64

    public init(type: ProofType, psiAdjMicro: Int64, nullifier: [UInt8], sizeBytes: Int64 = 0) {
        self.type = type
        self.psiAdjMicro = psiAdjMicro
        self.nullifier = nullifier
        self.sizeBytes = sizeBytes
    }
}

/// Why a candidate is not in the selection.
public enum SelectionDropReason: Sendable, Hashable, CustomStringConvertible {
    /// Another candidate has the same nullifier and was kept (`kept` is its index).
    case duplicateNullifier(kept: Int)
    /// The nullifier was seen on the chain within the TTL.
    case seenWithinTTL
    /// It could never add credit: ψ_adj ≤ 0, or its type's cap, maxProofs or Γ is 0.
    case noCredit
    /// A better set (more credit, or as much with fewer proofs/bytes) does without it.
    case notSelected

    public var description: String {
        switch self {
        case .duplicateNullifier: return "duplicateNullifier"
        case .seenWithinTTL: return "seenWithinTTL"
        case .noCredit: return "noCredit"
        case .notSelected: return "notSelected"
        }
    }
}

/// The chosen proofs, their credit and the hash work that is still needed.
public struct ProofSelection: Sendable, Equatable {
    /// Indices of the chosen candidates, ascending (input order).
    public var chosen: [Int]
    /// The §5 credit of the chosen proofs (in `chosen` order).
    public var credit: CreditResult
    /// Σ bytes of the chosen proofs.
    public var totalBytes: Int64
    /// `max(0, Θ − Σψ)`: the `H(u)` a nonce must still reach.
    public var requiredHashTarget: Int64
    /// Every other candidate with its reason, ascending by index.
    public var dropped: [(index: Int, reason: SelectionDropReason)]
    /// False only if the tie-break search hit its node budget (credit and count are still
    /// optimal; bytes and nullifier order are the best found). Never seen in tests.
    public var exhaustive: Bool

    public static func == (a: Self, b: Self) -> Bool {
        a.chosen == b.chosen && a.credit == b.credit && a.totalBytes == b.totalBytes
            && a.requiredHashTarget == b.requiredHashTarget && a.exhaustive == b.exhaustive
            && a.dropped.elementsEqual(b.dropped, by: { $0.index == $1.index && $0.reason == $1.reason })
    }
}

/// Chooses the proofs a block should carry: the subset with the largest credited Σψ (§5), then
/// the fewest proofs, then the fewest bytes, then the lexicographically smallest sorted list of
/// nullifiers — deterministic, and independent of the candidates' order.
///
/// ## Why this is optimal
/// Write `v` for a proof's per-proof-capped ψ, `E_t` for the effective (escort) cap of type t and
/// `A_t(S)` for Σv over the chosen proofs of type t. Because every `downscale` stage sums exactly
/// to its cap, the credit of a set is `F(S) = min(Γ, Σ_t min(E_t, A_t(S)))` (checked against
/// `Credit.compute` by the tests).
///
/// 1. *Credit and count are polynomial.* With k proofs of type t the most that type can give is
///    `g_t(k) = min(E_t, top_t(k))`, top_t(k) the sum of its k largest v. Its increments
///    `g_t(k) − g_t(k−1)` are non-increasing (v sorted descending, then clipped by E_t), so g_t is
///    concave, and the best Σ_t g_t(k_t) with Σk_t = c is the sum of the c largest increments of
///    all types together (exchange argument: a non-greedy allocation can move one proof from a
///    type with a smaller last increment to one with a larger next increment without loss).
///    Hence the maximal credit `C* = min(Γ, Σ_t g_t(maxK_t))` and the fewest proofs reaching it,
///    `c*`, come from one sorted merge of increments. The greedy prefix is a feasible answer.
/// 2. *Only undominated proofs matter.* Within a type, say y dominates x when `v_y ≥ v_x` and
///    `(bytes_y, nullifier_y) < (bytes_x, nullifier_x)`. Swapping x for y in a set that holds x but
///    not y keeps the count, cannot lower F (F is monotone in each A_t), does not raise the bytes,
///    and if the bytes tie it replaces a nullifier by a smaller one, which makes the sorted list
///    lexicographically smaller. So an optimal set that holds x holds all its dominators, and x
///    can be dropped when it has at least `min(maxK_t, c*)` of them. This is the reduction that
///    makes 10,000 candidates cheap: typically a few dozen per type survive.
/// 3. *Bytes and nullifiers need a search.* Once a cap binds there is slack, and several sets
///    of c* proofs reach C* (e.g. Γ = 10 with proofs 6, 5, 5: any two). Choosing the one with the
///    fewest bytes is a cardinality-constrained knapsack (NP-hard in general), so picking the top
///    k per type is *not* enough. A depth-first branch and bound over the surviving proofs, in
///    (bytes, nullifier) order, with an exact feasibility bound (step 1 applied to the proofs not
///    yet decided), a bytes lower bound (the next r proofs in bytes order) and a lexicographic
///    bound (the r smallest nullifiers left), finds the optimum; it starts from the greedy answer
///    so it always has one. A node budget keeps adversarial pools bounded; if it is hit,
///    `exhaustive` is false (credit and count remain optimal).
/// 4. The lexicographic order of sorted nullifier lists of equal length is: X < Y iff the
///    smallest nullifier in X △ Y lies in X — which is how the bound compares lists.
public struct ProofSelector: Sendable {
    public var caps: CapsPolicy
    /// Search nodes allowed for the bytes/nullifier tie-break (see `ProofSelection.exhaustive`).
    public var nodeBudget: Int

    public init(caps: CapsPolicy, nodeBudget: Int = 2_000_000) {
        self.caps = caps
        self.nodeBudget = nodeBudget
    }

    public init(policy: Policy, nodeBudget: Int = 2_000_000) {
        self.init(caps: policy.caps, nodeBudget: nodeBudget)
    }

    /// Selects from `candidates` for a block with difficulty `thetaMicro`; `isSeen` says whether a
    /// nullifier was used on the chain within the policy's TTL.
    public func select(_ candidates: [SelectionCandidate], thetaMicro: Int64,
                       isSeen: ([UInt8]) -> Bool = { _ in false }) -> ProofSelection {
        var reasons = [SelectionDropReason?](repeating: nil, count: candidates.count)
        let eff = PerType<Int64> { caps.effectiveTypeCap($0) }

        // Stale and duplicate nullifiers; of equal nullifiers keep the best (v desc, bytes asc,
        // type asc, index asc) so the choice does not depend on input order.
        var values = [Int64](repeating: 0, count: candidates.count)
        var live: [Int] = []
        live.reserveCapacity(candidates.count)
        for (i, c) in candidates.enumerated() {
            values[i] = min(max(c.psiAdjMicro, 0), max(caps.perProofCap[c.type], 0))
            if isSeen(c.nullifier) { reasons[i] = .seenWithinTTL } else { live.append(i) }
        }
        // Equal nullifiers are adjacent once the live candidates are sorted by nullifier bytes; in
        // each run the best (a strict total order) is kept. Sorting, not hashing: byte arrays
        // hash one byte at a time, and the first byte almost always tells two nullifiers apart.
        var keptFor = [Int](repeating: -1, count: candidates.count)
        let byNullifier = live.sorted { Self.bytesPrecede(candidates[$0].nullifier, candidates[$1].nullifier) }
        var runStart = 0
        while runStart < byNullifier.count {
            var runEnd = runStart + 1
            var best = byNullifier[runStart]
            while runEnd < byNullifier.count && candidates[byNullifier[runEnd]].nullifier == candidates[best].nullifier {
                if Self.preferDuplicate(byNullifier[runEnd], over: best, candidates, values) { best = byNullifier[runEnd] }
                runEnd += 1
            }
            for r in runStart..<runEnd { keptFor[byNullifier[r]] = best }
            runStart = runEnd
        }
        var items: [Int] = []
        for i in live {
            let k = keptFor[i]
            if k != i { reasons[i] = .duplicateNullifier(kept: k); continue }
            let t = candidates[i].type
            if values[i] <= 0 || eff[t] <= 0 || caps.maxProofs[t] <= 0 || caps.gammaCapMicro <= 0 {
                reasons[i] = .noCredit
            } else {
                items.append(i)
            }
        }

        var search = SelectionSearch(caps: caps, eff: eff, candidates: candidates, values: values, items: items,
                                     nodeBudget: nodeBudget)
        let (chosenSet, exhaustive) = search.run()
        let chosen = chosenSet.sorted()
        for i in items where reasons[i] == nil { reasons[i] = .notSelected }
        for i in chosen { reasons[i] = nil }

        let proofs = chosen.map { CreditProof(type: candidates[$0].type, psiAdjMicro: candidates[$0].psiAdjMicro,
                                              nullifier: candidates[$0].nullifier) }
        let credit = Credit.compute(proofs, caps: caps)
        var dropped: [(index: Int, reason: SelectionDropReason)] = []
        for (i, r) in reasons.enumerated() { if let r { dropped.append((i, r)) } }
        return ProofSelection(chosen: chosen, credit: credit,
                              totalBytes: chosen.reduce(0) { $0 &+ max(candidates[$1].sizeBytes, 0) },
                              requiredHashTarget: max(0, thetaMicro - credit.total), dropped: dropped,
                              exhaustive: exhaustive)
    }

    /// Lexicographic byte order (memcmp, then length).
    static func bytesPrecede(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = min(a.count, b.count)
        let c = a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in n == 0 ? 0 : memcmp(pa.baseAddress!, pb.baseAddress!, n) }
        }
        return c != 0 ? c < 0 : a.count < b.count
    }

    static func preferDuplicate(_ a: Int, over b: Int, _ c: [SelectionCandidate], _ v: [Int64]) -> Bool {
        if v[a] != v[b] { return v[a] > v[b] }
        if c[a].sizeBytes != c[b].sizeBytes { return c[a].sizeBytes < c[b].sizeBytes }
        if c[a].type != c[b].type { return c[a].type < c[b].type }
        return a < b
    }
}

/// The search behind `ProofSelector.select` (see its documentation for the argument).
struct SelectionSearch {
    let caps: CapsPolicy
    let eff: PerType<Int64>
    let gamma: Int64
    /// Surviving proofs in key order (bytes asc, nullifier asc): candidate index, type slot, v, bytes.
    var idx: [Int] = []
    var slot: [Int] = []
    var v: [Int64] = []
    var bytes: [Int64] = []
    /// Rank of each item's nullifier among the items (0 = smallest).
    var rank: [Int] = []
    /// Per type slot: item positions by v descending (ties: key order).
    var byValue: [[Int]] = Array(repeating: [], count: 5)
    var maxK: [Int] = Array(repeating: 0, count: 5)
    var prefixBytes: [Int64] = [0]
    var cStar = 0
    var creditStar: Int64 = 0

    // DFS state.
    var a: [Int64] = Array(repeating: 0, count: 5)
    var k: [Int] = Array(repeating: 0, count: 5)
    var chosen: [Int] = []
    var best: [Int] = []
    var bestBytes: Int64 = .max
    var bestRanks: [Int] = []
    var nodes = 0
    let nodeBudget: Int

    init(caps: CapsPolicy, eff: PerType<Int64>, candidates: [SelectionCandidate], values: [Int64], items: [Int],
         nodeBudget: Int) {
        self.caps = caps
        self.eff = eff
        self.gamma = caps.gammaCapMicro
        self.nodeBudget = nodeBudget
        let key = { (i: Int, j: Int) -> Bool in
            let bi = max(candidates[i].sizeBytes, 0), bj = max(candidates[j].sizeBytes, 0)
            if bi != bj { return bi < bj }
            return candidates[i].nullifier.lexicographicallyPrecedes(candidates[j].nullifier)
        }

        // Per type, by v descending then key: increments give C* and c* (step 1).
        var perType: [[Int]] = Array(repeating: [], count: 5)
        for i in items { perType[Int(candidates[i].type.rawValue) - 1].append(i) }
        var increments: [(inc: Int64, slot: Int)] = []
        for s in 0..<5 where !perType[s].isEmpty {
            perType[s].sort { values[$0] != values[$1] ? values[$0] > values[$1] : key($0, $1) }
            let t = ProofType.allCases[s]
            maxK[s] = Int(min(caps.maxProofs[t], Int64(perType[s].count)))
            var sum: Int64 = 0
            for j in 0..<maxK[s] {
                let next = min(eff[t], sum + values[perType[s][j]])
                if next == sum { break }
                increments.append((next - sum, s))
                sum = next
            }
        }
        increments.sort { $0.inc != $1.inc ? $0.inc > $1.inc : $0.slot < $1.slot }
        let total = increments.reduce(Int64(0)) { $0 + $1.inc }
        creditStar = min(gamma, total)
        var acc: Int64 = 0
        var greedyK = [Int](repeating: 0, count: 5)
        for (inc, s) in increments {
            if min(gamma, acc) >= creditStar { break }
            acc += inc
            greedyK[s] += 1
            cStar += 1
        }
        guard cStar > 0 else { return }

        // Dominance reduction (step 2): keep an item only if fewer than min(maxK, c*) items of its
        // type have v ≥ its v and a smaller key. In v-desc/key order, those all come earlier.
        var survivors: [Int] = []
        for s in 0..<5 where !perType[s].isEmpty {
            let limit = min(maxK[s], cStar)
            var smallest: [Int] = []  // up to `limit` smallest keys seen so far, ascending
            for i in perType[s] {
                // Earlier items with a smaller key dominate i; if there are ≥ limit of them, the
                // `limit` smallest earlier keys are all among them, so counting those is exact.
                let below = smallest.reduce(0) { $0 + (key($1, i) ? 1 : 0) }
                if below < limit { survivors.append(i) }
                let pos = smallest.firstIndex(where: { key(i, $0) }) ?? smallest.count
                if pos < limit {
                    smallest.insert(i, at: pos)
                    if smallest.count > limit { smallest.removeLast() }
                }
            }
        }
        // The greedy answer (prefixes by v) is the incumbent; its items survive the reduction
        // (an item among the top k by v has fewer than k dominators).
        survivors.sort(by: key)
        idx = survivors
        slot = survivors.map { Int(candidates[$0].type.rawValue) - 1 }
        v = survivors.map { values[$0] }
        bytes = survivors.map { max(candidates[$0].sizeBytes, 0) }
        let byNullifier = survivors.indices.sorted { candidates[survivors[$0]].nullifier.lexicographicallyPrecedes(candidates[survivors[$1]].nullifier) }
        rank = Array(repeating: 0, count: survivors.count)
        for (r, p) in byNullifier.enumerated() { rank[p] = r }
        for p in survivors.indices { byValue[slot[p]].append(p) }
        for s in 0..<5 {
            byValue[s].sort { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }
            maxK[s] = min(maxK[s], byValue[s].count)
        }
        for b in bytes { prefixBytes.append(prefixBytes.last! &+ b) }
        var greedy: [Int] = []
        for s in 0..<5 { greedy += byValue[s].prefix(greedyK[s]) }
        record(greedy)
    }

    /// Runs the branch and bound; returns the chosen candidate indices and whether it finished.
    mutating func run() -> (Set<Int>, Bool) {
        guard cStar > 0 else { return ([], true) }
        dfs(0, bytesSoFar: 0)
        return (Set(best.map { idx[$0] }), nodes <= nodeBudget)
    }

    mutating func record(_ set: [Int]) {
        let b = set.reduce(Int64(0)) { $0 &+ bytes[$1] }
        let ranks = set.map { rank[$0] }.sorted()
        if b < bestBytes || (b == bestBytes && ranks.lexicographicallyPrecedes(bestRanks)) {
            best = set
            bestBytes = b
            bestRanks = ranks
        }
    }

    mutating func dfs(_ i: Int, bytesSoFar: Int64) {
        nodes += 1
        if nodes > nodeBudget { return }
        let r = cStar - chosen.count
        if r == 0 {
            if credit(extra: 0) >= creditStar { record(chosen) }
            return
        }
        if idx.count - i < r { return }
        let lowerBound = bytesSoFar &+ (prefixBytes[i + r] - prefixBytes[i])
        if lowerBound > bestBytes { return }
        if lowerBound == bestBytes, !lexCanImprove(from: i, r: r) { return }
        if !feasible(from: i, r: r) { return }
        let s = slot[i]
        if k[s] < maxK[s] {
            chosen.append(i); a[s] += v[i]; k[s] += 1
            dfs(i + 1, bytesSoFar: bytesSoFar &+ bytes[i])
            chosen.removeLast(); a[s] -= v[i]; k[s] -= 1
        }
        dfs(i + 1, bytesSoFar: bytesSoFar)
    }

    /// F of the current partial set plus `extra` (already clipped) units.
    func credit(extra: Int64) -> Int64 {
        var sum: Int64 = extra
        for s in 0..<5 { sum += min(eff[ProofType.allCases[s]], a[s]) }
        return min(gamma, sum)
    }

    /// Can `r` more items from positions ≥ i lift F to C*? Exact: the r largest concave
    /// increments over the undecided items of each type (step 1).
    func feasible(from i: Int, r: Int) -> Bool {
        var lists: [[Int64]] = []
        for s in 0..<5 where k[s] < maxK[s] {
            let e = eff[ProofType.allCases[s]]
            var sum = min(e, a[s])
            let room = min(r, maxK[s] - k[s])
            var incs: [Int64] = []
            for p in byValue[s] where p >= i {
                if incs.count == room || sum >= e { break }
                let next = min(e, sum + v[p])
                incs.append(next - sum)
                sum = next
            }
            if !incs.isEmpty { lists.append(incs) }
        }
        var heads = [Int](repeating: 0, count: lists.count)
        var extra: Int64 = 0
        for _ in 0..<r {
            var bestList = -1
            for (l, list) in lists.enumerated() where heads[l] < list.count {
                if bestList < 0 || list[heads[l]] > lists[bestList][heads[bestList]] { bestList = l }
            }
            if bestList < 0 { break }
            extra += lists[bestList][heads[bestList]]
            heads[bestList] += 1
        }
        return credit(extra: extra) >= creditStar
    }

    /// With the bytes bound tied, can any completion beat the incumbent's nullifier list? The
    /// best conceivable list takes the r smallest nullifier ranks left.
    func lexCanImprove(from i: Int, r: Int) -> Bool {
        var pool: [Int] = []  // the r smallest ranks left, ascending
        pool.reserveCapacity(r + 1)
        for p in i..<rank.count {
            let x = rank[p]
            if pool.count == r, x >= pool[r - 1] { continue }
            let at = pool.firstIndex(where: { $0 > x }) ?? pool.count
            pool.insert(x, at: at)
            if pool.count > r { pool.removeLast() }
        }
        let optimistic = (chosen.map { rank[$0] } + pool).sorted()
        return optimistic.lexicographicallyPrecedes(bestRanks)
    }
}
