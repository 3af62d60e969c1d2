import MiningCore
import TOMLKit

// SEAM: policy, ψ, caps/credit and the proof selector. Stand-ins until MiningCore's Policy,
// Psi, Credit and ProofSelector land on main; then these forward to them and the stand-ins go.

/// A proof the selector may attach: its type, adjusted ψ (µ-nats) and nullifier.
struct CandidateProof: Sendable {
    var type: ProofType
    var psiAdjMicro: Int64
    var nullifier: Nullifier
}

/// 32 nullifier bytes as four big-endian words (cheap to copy and compare in the engine).
struct Nullifier: Hashable, Sendable, Comparable {
    var w0, w1, w2, w3: UInt64

    init(_ rng: inout StreamRNG) { w0 = rng.next(); w1 = rng.next(); w2 = rng.next(); w3 = rng.next() }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] { for i in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(i)))) } }
        return out
    }

    static func < (a: Nullifier, b: Nullifier) -> Bool { (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3) }
}

/// What the selector attached and what it is credited.
struct Selection: Sendable {
    /// Indices into the candidate array, in attachment order.
    var chosen: [Int] = []
    var creditedMicro: Int64 = 0
    var creditedByType: [Int64] = Array(repeating: 0, count: 6)  // indexed by ProofType.rawValue
}

/// The consensus policy as the simulator uses it.
struct PolicyBridge: Sendable {
    let gammaCapMicro: Int64
    let escortQPpm: Int64
    let nullifierTTL: Int
    private let perProofCap: [Int64], perTypeCap: [Int64], maxProofsByType: [Int], alpha: [Int64], k: [Double]

    static let devnetTOML = """
        version = 1
        gammaCapMicro = 8000000
        escortQPpm = 150000
        nullifierTTL = 8192
        [types.HASHSHARE]
        perProofCap = 5000000
        perTypeCap = 5000000
        maxProofs = 64
        alpha = 1000000000
        kPpm = 250000
        [types.AI]
        perProofCap = 4000000
        perTypeCap = 4000000
        maxProofs = 16
        alpha = 1000000000
        kPpm = 1000000
        [types.QUANTUM]
        perProofCap = 3000000
        perTypeCap = 3000000
        maxProofs = 8
        alpha = 1000000000
        kPpm = 1500000
        [types.STORAGE]
        perProofCap = 1000000
        perTypeCap = 1000000
        maxProofs = 16
        alpha = 1000000000
        kPpm = 20000
        [types.VDF]
        perProofCap = 500000
        perTypeCap = 500000
        maxProofs = 1
        alpha = 1000000000
        kPpm = 50000
        """

    /// Parses and validates a policy; the message names the key.
    init(toml: String) throws(PolicyLoadError) {
        let t: TOMLTable
        do { t = try TOMLTable(string: toml) } catch { throw PolicyLoadError(message: "policy: not valid TOML") }
        func int(_ tbl: TOMLTable?, _ key: String, _ d: Int) -> Int { tbl?[key]?.int ?? d }
        gammaCapMicro = Int64(int(t, "gammaCapMicro", 8_000_000))
        escortQPpm = Int64(int(t, "escortQPpm", 150_000))
        nullifierTTL = int(t, "nullifierTTL", 8192)
        var ppc = [Int64](repeating: 0, count: 6), ptc = ppc, al = ppc
        var mp = [Int](repeating: 0, count: 6), kk = [Double](repeating: 0, count: 6)
        for ty in ProofType.allCases {
            let tt = t["types"]?.table?[ty.policyName]?.table
            ppc[Int(ty.rawValue)] = Int64(int(tt, "perProofCap", 0))
            ptc[Int(ty.rawValue)] = Int64(int(tt, "perTypeCap", 0))
            mp[Int(ty.rawValue)] = int(tt, "maxProofs", 0)
            al[Int(ty.rawValue)] = Int64(int(tt, "alpha", 1_000_000_000))
            kk[Int(ty.rawValue)] = Double(int(tt, "kPpm", 0)) / 1e6
        }
        perProofCap = ppc; perTypeCap = ptc; maxProofsByType = mp; alpha = al; k = kk
    }

    func maxProofs(_ t: ProofType) -> Int { maxProofsByType[Int(t.rawValue)] }

    /// ψ_adj in µ-nats of a proof with these metrics (spec §4, fixed α).
    func psiAdjMicro(_ m: ProofMetrics) -> Int64 {
        func clamp01(_ v: Double) -> Double { min(max(v, 0), 1) }
        func ramp(_ t: Double, _ lo: Double, _ hi: Double) -> Double { t <= lo ? 0 : t >= hi ? 1 : (t - lo) / (hi - lo) }
        let raw: Double
        switch m {
        case .hashShare(let d): raw = k[1] * Foundation_log(1 + Double(d) / 1e6)
        case .ai(let u, let q, let tr, let r): raw = k[2] * u * clamp01(q) * ramp(tr, 0.6, 0.85) / max(1, r)
        case .quantum(let u, let q, let tr): raw = k[3] * u * clamp01(q) * ramp(tr, 0.65, 0.9)
        case .storage(let hb, let s, let a, let r):
            raw = hb ? k[4] * s * Foundation_exp(1.2 * Foundation_log(max(1e-300, clamp01(a)))) * (1 + 0.25 * clamp01(r)) : 0
        case .vdf(let it): raw = k[5] * Foundation_log(1 + Double(it) / 1e6)
        }
        let micro: Int64 = raw.isFinite && raw > 0 ? Int64(min(1e15, (raw * 1e6 + 1e-12).rounded(.toNearestOrEven))) : 0
        return micro * alpha[Int(m.type.rawValue)] / 1_000_000_000
    }

    /// The best selection from `candidates` under maxProofs and the caps, and its credit.
    func select(_ candidates: [CandidateProof]) -> Selection {
        var sel = Selection()
        var byType = [[Int]](repeating: [], count: 6)
        for (i, c) in candidates.enumerated() { byType[Int(c.type.rawValue)].append(i) }
        let escortCap = gammaCapMicro * (1_000_000 - escortQPpm) / 1_000_000
        var total: Int64 = 0
        for t in 1...5 {
            let idx = byType[t].sorted { candidates[$0].psiAdjMicro > candidates[$1].psiAdjMicro }.prefix(maxProofsByType[t])
            var sum: Int64 = 0
            for i in idx where candidates[i].psiAdjMicro > 0 {
                sel.chosen.append(i)
                sum += min(candidates[i].psiAdjMicro, perProofCap[t])
            }
            let credited = min(sum, min(perTypeCap[t], escortCap))
            sel.creditedByType[t] = credited
            total += credited
        }
        if total > gammaCapMicro {
            var acc: Int64 = 0
            for t in 1...5 {
                sel.creditedByType[t] = sel.creditedByType[t] * gammaCapMicro / total
                acc += sel.creditedByType[t]
            }
            total = acc
        }
        sel.creditedMicro = total
        return sel
    }
}

struct PolicyLoadError: Error, Sendable { var message: String }
