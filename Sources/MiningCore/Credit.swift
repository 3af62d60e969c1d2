/// One proof as the caps see it: type, ψ_adj (µ-nats, may be ≤ 0) and nullifier.
public struct CreditProof: Sendable, Hashable {
    public var type: ProofType
    public var psiAdjMicro: Int64
    public var nullifier: [UInt8]

    public init(type: ProofType, psiAdjMicro: Int64, nullifier: [UInt8]) {
        self.type = type
        self.psiAdjMicro = psiAdjMicro
        self.nullifier = nullifier
    }
}

/// The credited ψ of a block's proofs (§5) and how each cap acted.
public struct CreditResult: Sendable, Equatable {
    /// Credited µ-nats per proof, in input order.
    public var credited: [Int64]
    /// Σψ_credited.
    public var total: Int64
    public var breakdown: CreditBreakdown
}

/// What each stage of §5 did, for reports and the CLI.
public struct CreditBreakdown: Sendable, Equatable {
    public struct TypeStage: Sendable, Equatable {
        public var count: Int
        /// Σ max(ψ_adj, 0) of the type's proofs (saturates at Int64.max).
        public var sumIn: Int64
        /// Σ after the per-proof cap (saturates at Int64.max).
        public var afterPerProofCap: Int64
        /// How many proofs the per-proof cap clipped.
        public var perProofCapped: Int
        /// `perTypeCap` and the escort-adjusted effective cap.
        public var perTypeCap: Int64
        public var effectiveCap: Int64
        /// Σ after the type cap (= min(afterPerProofCap, effectiveCap)).
        public var afterTypeCap: Int64
        /// The type cap bound (the type was downscaled), and whether the escort rule set that cap.
        public var typeCapBound: Bool
        public var escortBound: Bool
        /// Σ credited to the type after the Γ stage.
        public var credited: Int64
    }

    public struct GammaStage: Sendable, Equatable {
        public var sumIn: Int64
        public var gammaCapMicro: Int64
        public var after: Int64
        public var bound: Bool
    }

    public var perType: PerType<TypeStage>
    public var gamma: GammaStage
}

/// The block credit of spec §5: per-proof cap, escort-adjusted per-type cap, Γ, each binding
/// stage distributed exactly by `Downscale`. Order-independent: permuting the proofs permutes
/// the credited values the same way (the tie-breaks use nullifier bytes, then input index, and
/// the index only matters between proofs with equal nullifiers, which a valid block never has).
public enum Credit {
    public static func compute(_ proofs: [CreditProof], caps: CapsPolicy) -> CreditResult {
        var values = [Int64](repeating: 0, count: proofs.count)
        let empty = CreditBreakdown.TypeStage(count: 0, sumIn: 0, afterPerProofCap: 0, perProofCapped: 0, perTypeCap: 0,
                                              effectiveCap: 0, afterTypeCap: 0, typeCapBound: false, escortBound: false,
                                              credited: 0)
        var stages = PerType(repeating: empty)
        var sumIn = PerType<Int128>(repeating: 0)
        var sumCapped = PerType<Int128>(repeating: 0)

        // 1. Per proof.
        for (i, p) in proofs.enumerated() {
            let pos = max(p.psiAdjMicro, 0)
            let cap = max(caps.perProofCap[p.type], 0)
            let v = min(pos, cap)
            values[i] = v
            stages[p.type].count += 1
            if pos > cap { stages[p.type].perProofCapped += 1 }
            sumIn[p.type] += Int128(pos)
            sumCapped[p.type] += Int128(v)
        }

        // 2–3. Escort-adjusted per-type cap.
        var total: Int128 = 0
        for t in ProofType.allCases {
            let eff = caps.effectiveTypeCap(t)
            var s = stages[t]
            s.sumIn = saturating(sumIn[t])
            s.afterPerProofCap = saturating(sumCapped[t])
            s.perTypeCap = caps.perTypeCap[t]
            s.effectiveCap = eff
            if sumCapped[t] > Int128(eff) {
                let idx = proofs.indices.filter { proofs[$0].type == t }
                Downscale.apply(to: &values, indices: idx, target: eff, id: { proofs[$0].nullifier })
                s.typeCapBound = true
                s.escortBound = eff < caps.perTypeCap[t]
                // The stage sums exactly to its cap (§5); summed rather than assumed.
                s.afterTypeCap = idx.reduce(0) { $0 + values[$1] }
            } else {
                s.afterTypeCap = Int64(sumCapped[t])
            }
            total += Int128(s.afterTypeCap)
            stages[t] = s
        }

        // 4. Γ.
        let gamma = max(caps.gammaCapMicro, 0)
        var g = CreditBreakdown.GammaStage(sumIn: saturating(total), gammaCapMicro: caps.gammaCapMicro, after: 0, bound: false)
        if total > Int128(gamma) {
            Downscale.apply(to: &values, indices: Array(proofs.indices), target: gamma, id: { proofs[$0].nullifier })
            g.bound = true
            g.after = Int64(values.reduce(Int128(0)) { $0 + Int128($1) })
        } else {
            g.after = Int64(total)
        }
        if g.bound {
            for t in ProofType.allCases { stages[t].credited = 0 }
            for (i, p) in proofs.enumerated() { stages[p.type].credited += values[i] }
        } else {
            for t in ProofType.allCases { stages[t].credited = stages[t].afterTypeCap }
        }
        return CreditResult(credited: values, total: g.after, breakdown: CreditBreakdown(perType: stages, gamma: g))
    }

    @inline(__always) static func saturating(_ x: Int128) -> Int64 {
        x > Int128(Int64.max) ? Int64.max : Int64(x)
    }
}
