import MiningCore
import Testing
import TestSupport

@Suite struct ThresholdTests {
    struct Case: Decodable { let t: Int64; let X: String }

    @Test func matchesEveryVector() throws {
        let file = try VectorFile<Case>.load("thresholds.json")
        #expect(file.cases.count == 19)
        for c in file.cases {
            let x = Threshold.X(t: c.t)
            if c.X == "-1" {
                #expect(x == nil, "t = \(c.t)")
                #expect(Threshold.hex(x) == "-1")
            } else {
                #expect(x == (try minimalHexTo32(c.X)), "t = \(c.t)")
            }
        }
    }

    @Test func edges() {
        #expect(Threshold.X(t: 0) == [UInt8](repeating: 0xff, count: 32))
        #expect(Threshold.X(t: -7) == [UInt8](repeating: 0xff, count: 32))
        #expect(Threshold.X(t: HashLuck.maxH) == [UInt8](repeating: 0, count: 32))
        #expect(Threshold.X(t: HashLuck.maxH + 1) == nil)
        #expect(Threshold.X(t: .max) == nil)
        #expect(Threshold.hex(Threshold.X(t: 0)) == "0x" + String(repeating: "f", count: 64))
    }

    /// `x ≤ X(t)` ⇔ `H(x) ≥ t` for 10^5 x (fixed seed 0x5448_5245): for random t, the five x
    /// around X(t) and random x; t is drawn across the whole range and skewed to small values,
    /// where most draws land.
    @Test func thresholdAgreesWithHAroundBoundaries() throws {
        var rng = SplitMix64(seed: 0x5448_5245)
        var checked = 0
        while checked < 100_000 {
            let t: Int64 = Bool.random(using: &rng)
                ? Int64.random(in: 0...HashLuck.maxH + 2, using: &rng)
                : Int64.random(in: 0...40_000_000, using: &rng)
            let X = Threshold.X(t: t)
            var probes: [[UInt8]] = []
            if let X {
                for d in -2...2 {
                    if d < 0, X.allSatisfy({ $0 == 0 }) { continue }
                    if d > 0, X.allSatisfy({ $0 == 0xff }) { continue }
                    if d == -2, X.dropLast().allSatisfy({ $0 == 0 }) && X[31] < 2 { continue }
                    if d == 2, X.dropLast().allSatisfy({ $0 == 0xff }) && X[31] > 0xfd { continue }
                    probes.append(add(X, d))
                }
            }
            for _ in 0..<5 {
                let lead = Int.random(in: 0...31, using: &rng)
                probes.append((0..<32).map { i in i < lead ? 0 : UInt8.random(in: 0...255, using: &rng) })
            }
            for x in probes {
                let h = HashLuck.H(x: x)
                #expect(Threshold.meets(x, X) == (h >= t), "t = \(t), x = \(Hex.encode(x))")
                checked += 1
            }
        }
    }
}
