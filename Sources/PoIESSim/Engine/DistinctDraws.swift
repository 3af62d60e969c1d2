/// Whether the provider streams of one replication provably never repeat a 64-bit draw — then no
/// simulated nullifier can equal another, and the replay check (`isSeen`, a hash lookup per
/// arriving proof) is known to answer "not seen" without asking the store.
///
/// Why it can be proved: draw `c` of a stream with key `k` is `mix(k + c·γ)` (`StreamRNG`), and
/// `mix` (SplitMix64's finaliser) is a bijection, so draws `(p, c)` and `(q, c')` are equal iff
/// `k_p + c·γ ≡ k_q + c'·γ (mod 2^64)`, i.e. `c − c' ≡ u_q − u_p` with `u = k·γ⁻¹` (γ is odd).
/// Within one stream that needs `c = c'`. Across streams, while every counter stays below
/// `counterBound`, `|c − c'| < counterBound`; so if every two `u` are at least `counterBound`
/// apart on the 2^64 circle (adjacent gaps of the sorted `u`), no two draws coincide. A nullifier's
/// first word is one draw, so two distinct proofs' nullifiers differ. A pair of streams closer than
/// the bound (chance ≈ n²·2^-24 per replication) or a counter reaching it (2^40 draws) makes the
/// engine ask the store as before.
struct DistinctDraws {
    static let counterBound: UInt64 = 1 << 40

    /// The streams' keys are far enough apart (the counters are checked as they grow).
    let keysApart: Bool

    init(_ streams: [StreamRNG]) {
        let gamma = StreamRNG.gamma
        var inverse = gamma  // Newton's iteration: correct bits double each step (3 → 96)
        for _ in 0..<5 { inverse = inverse &* (2 &- gamma &* inverse) }
        let u = streams.map { $0.key &* inverse }.sorted()
        var apart = true
        if u.count > 1 {
            for i in 1..<u.count where u[i] - u[i - 1] < Self.counterBound { apart = false }
            if u[0] &- u[u.count - 1] < Self.counterBound { apart = false }  // the wrap-around gap
        }
        keysApart = apart
    }
}
