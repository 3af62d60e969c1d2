import Foundation
import Testing
@testable import PoIESSim

/// Exact mode (real Keccak-512 u-draws against X(t)) against rate mode, fixed seeds.
@Suite struct ExactModeTests {
    static let toml = """
        [scenario]
        seed = 41
        blocks = 1500
        mode = "hash"
        [chain]
        thetaMicro0 = 3000000
        [chain.retarget]
        rule = "fixed"
        [[miners]]
        name = "a"
        hashrate = 30.0
        [[miners]]
        name = "b"
        hashrate = 10.0
        market = false
        [[providers]]
        type = "vdf"
        owner = "b"
        rate = 5.0
        metrics = { iterations = 100000000000 }
        """

    /// Two-sample Kolmogorov–Smirnov statistic.
    static func ks(_ a: [Double], _ b: [Double]) -> Double {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count && j < y.count {
            if x[i] <= y[j] { i += 1 } else { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        return d
    }

    @Test func exactAndRateModesGiveTheSameBlockTimeDistribution() throws {
        let exact = try SimFixture.scenario(Self.toml)
        let rate = try SimFixture.scenario(Self.toml, ["scenario.mode=\"rate\"", "scenario.seed=42"])
        let (er, es) = try SimFixture.blocks(exact)
        let (rr, _) = try SimFixture.blocks(rate)
        let d = Self.ks(er.map(\.interval), rr.map(\.interval))
        // Critical value at α = 0.001 for n = m = 1500: 1.95·√(2/1500) ≈ 0.071.
        #expect(d < 1.95 * (2.0 / 1500).squareRoot(), "KS D = \(d)")
        // Every exact block's H meets its target, and ψ lowers that target for b.
        for r in er { #expect(r.hMicro + r.psiCreditedMicro >= r.thetaMicro) }
        #expect(er.contains { $0.minerGroup == 1 && $0.psiCreditedMicro > 0 })
        #expect(es.blocks == 1500)
        // H distributions agree too (H − t is Exp(1) in both modes).
        let dh = Self.ks(er.map { Double($0.hMicro + $0.psiCreditedMicro - $0.thetaMicro) },
                         rr.map { Double($0.hMicro + $0.psiCreditedMicro - $0.thetaMicro) })
        #expect(dh < 1.95 * (2.0 / 1500).squareRoot(), "KS D(H) = \(dh)")
    }
}
