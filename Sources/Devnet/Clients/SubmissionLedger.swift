import MiningCore

/// What an external miner with a selection overlay (`simctl mine --connect … --overlay FILE`)
/// believes the node holds for its session, and the rule that keeps its submissions within the
/// overlay.
///
/// The node, not the miner, selects what a session's jobs attach, under the *network* policy; spec
/// v1.1 §9 has no message to tell it a session's own tighter limits. So the miner enforces the
/// overlay the only way it can: by not submitting a proof that would let the node hold more than
/// the overlay allows. Whatever the node holds for the session is then within the overlay's caps
/// and the node, choosing under looser caps, can attach no more than that.
///
/// The ledger is exact as long as the miner learns every change to the node's holdings:
/// - a proof is added when the node answers `held` (with its ψ), and reserved — at its type's
///   per-proof cap, the most it can count — while the answer is on its way, so two proofs in
///   flight cannot together pass a limit;
/// - parent-bound proofs (VDF, storage: ``SessionProofBook/isParentBound(_:)``) are dropped on
///   a new parent, as the node drops them;
/// - the proofs a block used are dropped when this miner seals that block (the node frees their
///   nullifiers; the chain's TTL window refuses them afterwards).
///
/// It is a pure value: no clock, no I/O, so the rule can be tested with fixed values.
struct SubmissionLedger: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var type: ProofType
        /// ψ before caps as the node answered; nil while the answer is awaited.
        var psiRawMicro: Int64?
    }

    /// Why a proof is not submitted.
    enum Skip: Sendable, Equatable, CustomStringConvertible {
        /// The session already holds `maxProofs` of the type.
        case maxProofs(held: Int, limit: Int64)
        /// The type's held ψ (each capped at `perProofCap`) already fills the effective type cap.
        case typeCap(heldMicro: Int64, capMicro: Int64)
        /// All held ψ (each type at its effective cap) already reaches Γ.
        case gamma(heldMicro: Int64, gammaMicro: Int64)

        var description: String {
            switch self {
            case .maxProofs(let h, let l): return "the session already holds \(h) of the overlay's maxProofs \(l)"
            case .typeCap(let h, let c): return "the session's proofs of this type already reach the overlay's type cap (\(h) of \(c) µ-nats)"
            case .gamma(let h, let g): return "the session's proofs already reach the overlay's Γ (\(h) of \(g) µ-nats)"
            }
        }
    }

    let caps: CapsPolicy
    /// By nullifier.
    private(set) var entries: [[UInt8]: Entry] = [:]

    init(caps: CapsPolicy) { self.caps = caps }

    /// What an entry counts for: its ψ capped per proof; an awaited one counts the full cap.
    private func counted(_ e: Entry) -> Int64 {
        let cap = max(caps.perProofCap[e.type], 0)
        return min(max(e.psiRawMicro ?? cap, 0), cap)
    }

    /// Σ min(ψ, perProofCap) over the held proofs of `type`.
    func typeTotal(_ type: ProofType) -> Int64 {
        entries.values.filter { $0.type == type }.reduce(0) { $0 + counted($1) }
    }

    /// Σ over types of min(effective type cap, type total): the credit the held set could reach
    /// before Γ (§5: `F(S) = min(Γ, Σ_t min(E_t, A_t))`).
    func total() -> Int64 {
        ProofType.allCases.reduce(0) { $0 + min(caps.effectiveTypeCap($1), typeTotal($1)) }
    }

    /// Nil if a proof of `type` may be submitted now, else why not.
    func skip(_ type: ProofType) -> Skip? {
        let count = entries.values.filter { $0.type == type }.count
        if Int64(count) >= caps.maxProofs[type] { return .maxProofs(held: count, limit: caps.maxProofs[type]) }
        let typeTotal = typeTotal(type), cap = caps.effectiveTypeCap(type)
        if typeTotal >= cap { return .typeCap(heldMicro: typeTotal, capMicro: cap) }
        let total = total()
        if total >= caps.gammaCapMicro { return .gamma(heldMicro: total, gammaMicro: caps.gammaCapMicro) }
        return nil
    }

    /// Checks the rule and, if it allows, reserves the proof until the node answers.
    mutating func reserve(type: ProofType, nullifier: [UInt8]) -> Skip? {
        if let s = skip(type) { return s }
        entries[nullifier] = Entry(type: type, psiRawMicro: nil)
        return nil
    }

    /// The node's answer to a reserved proof: held with `psiRawMicro`, or (nil) refused.
    mutating func answered(nullifier: [UInt8], heldPsiRawMicro psi: Int64?) {
        guard let e = entries[nullifier] else { return }
        entries[nullifier] = psi.map { Entry(type: e.type, psiRawMicro: $0) }
    }

    /// A new parent: the node dropped the session's parent-bound proofs.
    mutating func parentChanged() {
        entries = entries.filter { !SessionProofBook.isParentBound($0.value.type) }
    }

    /// This miner sealed a block that used `nullifiers` (the job's hints; names that are not
    /// held — the type names of a common job — are ignored).
    mutating func used(_ nullifiers: some Sequence<[UInt8]>) {
        for n in nullifiers { entries[n] = nil }
    }

    /// This miner sealed a block on its own job without knowing which of its proofs it carried
    /// (WebSocket jobs have no hints): the node frees every held proof a block uses, and under
    /// the network's looser caps it uses all of them unless Γ with its own proofs binds, so the
    /// ledger forgets them all rather than stop submitting for good.
    mutating func usedUnknown() {
        entries = entries.filter { $0.value.psiRawMicro == nil }
    }
}
