import MiningCore

/// A proof the selector may attach: its type, adjusted ψ (µ-nats) and nullifier.
struct CandidateProof: Sendable {
    var type: ProofType
    var psiAdjMicro: Int64
    var nullifier: Nullifier
}

extension Nullifier {
    /// A random nullifier (simulated proofs have no real identity bytes to hash).
    init(_ rng: inout StreamRNG) {
        self.init(w0: rng.next(), w1: rng.next(), w2: rng.next(), w3: rng.next())
    }

    /// The draws `init(_:)` takes from its stream (a skipped proof advances the counter by this).
    static let randomDraws: UInt64 = 4
}

/// What the selector attached and what it is credited.
struct Selection: Sendable {
    /// Indices into the candidate array.
    var chosen: [Int] = []
    var creditedMicro: Int64 = 0
    /// Credited µ-nats by `ProofType.rawValue` (index 0 unused).
    var creditedByType: [Int64] = Array(repeating: 0, count: 6)
}

/// The consensus policy as the simulator uses it: MiningCore's `Policy`, `Psi`, `ProofSelector`
/// (which applies `Credit`, caps, maxProofs, escort q) and `AlphaTuner` — no simulator copies.
struct PolicyBridge: Sendable {
    let policy: Policy
    let selector: ProofSelector
    /// The policy's `[alphaTuner]`, enabled, when the policy has one.
    let tuner: AlphaTuner?
    /// Per `ProofType.rawValue` (index 0 unused): the per-proof cap and the effective (escort)
    /// type cap, both clamped at 0 — precomputed because the engine needs them on every arrival.
    let perProofCap: [Int64]
    let effectiveCap: [Int64]

    static var devnetTOML: String { Policy.devnetTOML }

    init(toml: String) throws(PolicyError) {
        policy = try Policy(toml: toml)
        selector = ProofSelector(policy: policy)
        if let t = policy.alphaTuner {
            tuner = AlphaTuner(try! AlphaTuner.Config(enabled: true, cooldown: t.cooldown, targetPpm: t.targetPpm))
        } else {
            tuner = nil
        }
        var ppc = [Int64](repeating: 0, count: 6), eff = [Int64](repeating: 0, count: 6)
        for t in ProofType.allCases {
            ppc[Int(t.rawValue)] = max(policy[t].perProofCap, 0)
            eff[Int(t.rawValue)] = max(policy.effectiveTypeCap(t), 0)
        }
        perProofCap = ppc
        effectiveCap = eff
    }

    var gammaCapMicro: Int64 { policy.gammaCapMicro }
    var nullifierTTL: Int64 { policy.nullifierTTL }
    func maxProofs(_ t: ProofType) -> Int { Int(clamping: policy[t].maxProofs) }
    var initialAlpha: [Int64] { ProofType.allCases.map { policy[$0].alpha } }

    /// ψ_adj (µ-nats) of a proof with these metrics under `alpha` (10^9 fixed point).
    func psiAdjMicro(_ m: ProofMetrics, alpha: Int64) -> Int64 {
        Psi.adjustedMicro(m, policy: policy, alpha: alpha)
    }

    /// spec §5 step 1 for one proof: `min(max(ψ_adj, 0), perProofCap[type])`.
    @inline(__always)
    func cappedMicro(_ psiAdjMicro: Int64, _ t: ProofType) -> Int64 {
        min(max(psiAdjMicro, 0), perProofCap[Int(t.rawValue)])
    }

    /// `optimalCreditBound` when each type's best `maxProofs` capped values are already summed
    /// (a `ProofPool` holds at most `maxProofs` per type, so its `cappedSum` is that sum).
    @inline(__always)
    func optimalCredit(cappedSums: [Int64]) -> Int64 {
        var total: Int64 = 0
        for i in 1...5 where cappedSums[i] > 0 { total += min(cappedSums[i], effectiveCap[i]) }
        return min(total, max(policy.gammaCapMicro, 0))
    }

    /// The credited Σψ of the *optimal* selection from `candidates`, in closed form: credit is
    /// `min(Γ, Σ_t min(effectiveCap_t, Σ of the type's best maxProofs per-proof-capped values))`
    /// because every stage of spec §5 sums exactly to its cap. The engine uses it only to see that
    /// a pool change cannot move the selector's result (then the real selector runs lazily, when
    /// the group finds a block); the rate always comes from `select`.
    func optimalCreditBound(_ candidates: [CandidateProof]) -> Int64 {
        var values = [[Int64]](repeating: [], count: 6)
        for c in candidates {
            let v = min(max(c.psiAdjMicro, 0), max(policy[c.type].perProofCap, 0))
            if v > 0 { values[Int(c.type.rawValue)].append(v) }
        }
        var total: Int64 = 0
        for t in ProofType.allCases {
            let vs = values[Int(t.rawValue)]
            if vs.isEmpty { continue }
            let top = vs.sorted(by: >).prefix(maxProofs(t)).reduce(Int64(0), +)
            total += min(top, max(policy.effectiveTypeCap(t), 0))
        }
        return min(total, max(policy.gammaCapMicro, 0))
    }

    /// The selector's optimal choice from `candidates` for a block with difficulty `theta`.
    func select(_ candidates: [CandidateProof], thetaMicro: Int64) -> Selection {
        if candidates.isEmpty { return Selection() }
        let cands = candidates.map { SelectionCandidate(type: $0.type, psiAdjMicro: $0.psiAdjMicro, nullifier: $0.nullifier.bytes) }
        let r = selector.select(cands, thetaMicro: thetaMicro)
        var sel = Selection()
        sel.chosen = r.chosen
        sel.creditedMicro = r.credit.total
        for (t, stage) in r.credit.breakdown.perType { sel.creditedByType[Int(t.rawValue)] = stage.credited }
        return sel
    }
}
