import Foundation
import MiningCore
import Testing
import TestSupport

@Suite struct PsiTests {
    struct Metrics: Decodable {
        var T: UInt64?
        var d_ratio_ppm: Int64?
        var units: Double?
        var qos: Double?
        var traps: Double?
        var redundancy: Double?
        var heartbeat: Bool?
        var sizeGiB: Double?
        var avail: Double?
        var retrieval: Double?
    }

    struct Case: Decodable {
        var type: String
        var metrics: Metrics
        var psiRawMicro: Int64
    }

    static func metrics(_ c: Case) throws -> ProofMetrics {
        let m = c.metrics
        switch ProofType(policyName: c.type) {
        case .hashShare: return .hashShare(dRatioPpm: try #require(m.d_ratio_ppm))
        case .ai: return .ai(units: try #require(m.units), qos: try #require(m.qos), traps: try #require(m.traps),
                             redundancy: try #require(m.redundancy))
        case .quantum: return .quantum(units: try #require(m.units), qos: try #require(m.qos), traps: try #require(m.traps))
        case .storage: return .storage(heartbeat: try #require(m.heartbeat), sizeGiB: try #require(m.sizeGiB),
                                       avail: try #require(m.avail), retrieval: try #require(m.retrieval))
        case .vdf: return .vdf(iterations: try #require(m.T))
        case nil: throw CancellationError()
        }
    }

    @Test func everyVectorCase() throws {
        let file = try VectorFile<Case>.load("psi.json")
        #expect(file.cases.count == 20)
        var types = Set<String>()
        for (i, c) in file.cases.enumerated() {
            let m = try Self.metrics(c)
            #expect(Psi.rawMicro(m, policy: .devnet) == c.psiRawMicro, "case \(i) (\(c.type))")
            // α = 1.0 leaves ψ unchanged.
            #expect(Psi.adjustedMicro(m, policy: .devnet) == c.psiRawMicro, "case \(i)")
            types.insert(c.type)
        }
        #expect(types.count == 5)
    }

    @Test func toMicroEdges() {
        #expect(Psi.toMicro(.nan) == 0)
        #expect(Psi.toMicro(.infinity) == 0)
        #expect(Psi.toMicro(-1) == 0)
        #expect(Psi.toMicro(0) == 0)
        #expect(Psi.toMicro(1e-7) == 0)
        #expect(Psi.toMicro(1.5e-6) == 2)   // 1.5 + 1e-12 rounds up
        #expect(Psi.toMicro(2.5e-6) == 3)   // 2.5000000000000004 (IEEE) + 1e-12
        #expect(Psi.toMicro(0.5) == 500_000)
        #expect(Psi.toMicro(1e9) == 1_000_000_000_000_000)
        #expect(Psi.toMicro(1e12) == 1_000_000_000_000_000)  // saturates at 10^15
    }

    @Test func alphaIsFloorIn128Bits() {
        #expect(Psi.adjusted(rawMicro: 1_000_000, alpha: 1_500_000_000) == 1_500_000)
        #expect(Psi.adjusted(rawMicro: 3, alpha: 333_333_333) == 0)        // floor(0.999…)
        #expect(Psi.adjusted(rawMicro: 7, alpha: 500_000_000) == 3)         // floor(3.5)
        // 10^15 · 4·10^9 overflows Int64 but not 128 bits.
        #expect(Psi.adjusted(rawMicro: 1_000_000_000_000_000, alpha: 4_000_000_000) == 4_000_000_000_000_000)
        #expect(Psi.adjusted(rawMicro: 1_000_000_000_000_000, alpha: Int64.max) == Int64.max)
        #expect(Psi.adjusted(rawMicro: -5, alpha: 1_000_000_000) == 0)
        #expect(Psi.adjustedMicro(.vdf(iterations: 1_000_000), policy: .devnet, alpha: 2_000_000_000) == 69_314)
    }

    @Test func rampAndClamp() {
        #expect(Psi.ramp(0.6, lo: 0.6, hi: 0.85) == 0)
        #expect(Psi.ramp(0.85, lo: 0.6, hi: 0.85) == 1)
        #expect(Psi.ramp(0.7, lo: 0.7, hi: 0.7) == 0)
        #expect(abs(Psi.ramp(0.725, lo: 0.6, hi: 0.85) - 0.5) < 1e-12)
        #expect(Psi.clamp01(-0.1) == 0 && Psi.clamp01(1.5) == 1)
        #expect(Psi.fraction(ppm: 250_000) == 0.25)
        // Zero or negative redundancy divides by 1.
        let a = Psi.rawNats(.ai(units: 2, qos: 1, traps: 1, redundancy: 0), policy: .devnet)
        let b = Psi.rawNats(.ai(units: 2, qos: 1, traps: 1, redundancy: 4), policy: .devnet)
        #expect(a == 2 && b == 0.5)
    }
}
