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

    static var devnetTOML: String { Policy.devnetTOML }

    init(toml: String) throws(PolicyError) {
        policy = try Policy(toml: toml)
        selector = ProofSelector(policy: policy)
        if let t = policy.alphaTuner {
            tuner = AlphaTuner(try! AlphaTuner.Config(enabled: true, cooldown: t.cooldown, targetPpm: t.targetPpm))
        } else {
            tuner = nil
        }
    }

    var gammaCapMicro: Int64 { policy.gammaCapMicro }
    var nullifierTTL: Int64 { policy.nullifierTTL }
    func maxProofs(_ t: ProofType) -> Int { Int(clamping: policy[t].maxProofs) }
    var initialAlpha: [Int64] { ProofType.allCases.map { policy[$0].alpha } }

    /// ψ_adj (µ-nats) of a proof with these metrics under `alpha` (10^9 fixed point).
    func psiAdjMicro(_ m: ProofMetrics, alpha: Int64) -> Int64 {
        Psi.adjustedMicro(m, policy: policy, alpha: alpha)
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
