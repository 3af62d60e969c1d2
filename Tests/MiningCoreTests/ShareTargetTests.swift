import MiningCore
import Testing
import TestSupport

@Suite struct ShareTargetTests {
    struct Case: Decodable {
        let thetaMicro: Int64
        let K: Int64
        let tShare: Int64
        let d_ratio_ppm_of_H: [[Int64]]
    }

    @Test func matchesEveryVector() throws {
        let file = try VectorFile<Case>.load("share.json")
        #expect(file.cases.count == 20)
        for c in file.cases {
            #expect(ShareTarget.tShare(thetaMicro: c.thetaMicro, k: c.K) == c.tShare, "Θ \(c.thetaMicro) K \(c.K)")
            for pair in c.d_ratio_ppm_of_H {
                #expect(ShareTarget.dRatioPpm(H: pair[0], thetaMicro: c.thetaMicro) == pair[1], "H \(pair[0])")
            }
        }
    }

    @Test func clampsAndNeverTraps() {
        #expect(ShareTarget.tShare(thetaMicro: 1_000_000, k: 1) == 999_999)  // Θ − 1 for K = 1
        #expect(ShareTarget.tShare(thetaMicro: 1_000_000, k: 1_000_000_000) == 0)  // clamped at 0
        #expect(ShareTarget.tShare(thetaMicro: 0, k: 5) == 0)
        #expect(ShareTarget.tShare(thetaMicro: 2_000_000, k: 0) == 1_999_999)  // K < 1 treated as 1
        #expect(ShareTarget.dRatioPpm(H: .max, thetaMicro: 1) == .max)  // 128-bit product, saturated
        #expect(ShareTarget.dRatioPpm(H: .max, thetaMicro: 2_000_000) == Int64.max / 2)
        #expect(ShareTarget.dRatioPpm(H: 5, thetaMicro: 0) == 0)
    }
}

@Suite struct MicroNatTests {
    @Test func roundHalfEvenTiesToEven() {
        #expect(MicroNat.roundHalfEven(0.5) == 0)
        #expect(MicroNat.roundHalfEven(1.5) == 2)
        #expect(MicroNat.roundHalfEven(2.5) == 2)
        #expect(MicroNat.roundHalfEven(-2.5) == -2)
        #expect(MicroNat.roundHalfEven(2.5000000001) == 3)
        #expect(MicroNat.roundHalfEven(.nan) == 0)
        #expect(MicroNat.roundHalfEven(.infinity) == .max)
        #expect(MicroNat.roundHalfEven(-1e300) == .min)
        #expect(MicroNat.roundHalfEven(9.2e18) == 9_200_000_000_000_000_000)
    }

    @Test func toMicro() {
        #expect(MicroNat.toMicro(.nan) == 0)
        #expect(MicroNat.toMicro(-1) == 0)
        #expect(MicroNat.toMicro(0.25) == 250_000)
        #expect(MicroNat.toMicro(0.0000005) == 1)  // the 1e-12 nudge breaks the tie upwards
        #expect(MicroNat.toMicro(1e300) == MicroNat.psiSaturation)
    }

    @Test func mulDivFloor() {
        #expect(MicroNat.mulDivFloor(7, 3, 2) == 10)
        #expect(MicroNat.mulDivFloor(-7, 3, 2) == -11)
        #expect(MicroNat.mulDivFloor(.max, .max, .max) == .max)
        #expect(MicroNat.mulDivFloor(.max, 4, 2) == .max)
        #expect(MicroNat.mulDivFloor(1, 1, 0) == 0)
        #expect(MicroNat.clamp(5, 0, 3) == 3)
    }
}
