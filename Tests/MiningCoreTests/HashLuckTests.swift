import Foundation
import MiningCore
import Testing
import TestSupport

/// Minimal big-endian hex (`0x0`, `0x83`, …) as 32 bytes; the vectors use this form for x and X.
func minimalHexTo32(_ s: String) throws -> [UInt8] {
    var digits = String(s.dropFirst(2))
    if digits.count % 2 == 1 { digits = "0" + digits }
    let b = try Hex.decode(digits, requirePrefix: false)
    return [UInt8](repeating: 0, count: 32 - b.count) + b
}

/// Adds a small signed delta to a 32-byte big-endian integer (no wrap-around checks: callers stay
/// in range).
func add(_ x: [UInt8], _ delta: Int) -> [UInt8] {
    var out = x
    var carry = delta
    var i = 31
    while carry != 0 && i >= 0 {
        let v = Int(out[i]) + carry
        out[i] = UInt8(truncatingIfNeeded: v)
        carry = v >> 8  // arithmetic shift: floor division, works for borrows
        i -= 1
    }
    return out
}

@Suite struct HashLuckTests {
    struct Case: Decodable { let x: String; let H: Int64 }

    @Test func matchesEveryVector() throws {
        let file = try VectorFile<Case>.load("h_of_x.json")
        #expect(file.cases.count == 47)
        for c in file.cases {
            #expect(HashLuck.H(x: try minimalHexTo32(c.x)) == c.H, "x = \(c.x)")
            // Unpadded input (shorter than 32 bytes) means the same integer.
            var digits = String(c.x.dropFirst(2))
            if digits.count % 2 == 1 { digits = "0" + digits }
            #expect(HashLuck.H(x: try Hex.decode(digits, requirePrefix: false)) == c.H, "x = \(c.x) unpadded")
        }
    }

    @Test func extremes() {
        #expect(HashLuck.H(x: []) == HashLuck.maxH)
        #expect(HashLuck.H(x: [UInt8](repeating: 0xff, count: 32)) == 0)
    }

    /// A higher-precision context gives the same answers (the 128-bit default is not too coarse).
    @Test func defaultPrecisionAgreesWithHighPrecision() throws {
        var rng = SplitMix64(seed: 0x4855_434B)  // fixed seed
        let hi = HashLuckContext(precision: 512)
        let lo = HashLuckContext()
        for _ in 0..<2_000 {
            let lead = Int.random(in: 0...31, using: &rng)
            let x = (0..<32).map { i in i < lead ? 0 : UInt8.random(in: 0...255, using: &rng) }
            #expect(lo.H(x: x) == hi.H(x: x))
        }
    }

    /// H is non-increasing in x: sorted random draws give non-increasing H.
    @Test func monotone() {
        var rng = SplitMix64(seed: 0x4D4F_4E4F)  // fixed seed
        var xs: [[UInt8]] = (0..<5_000).map { _ in
            let lead = Int.random(in: 0...31, using: &rng)
            return (0..<32).map { i in i < lead ? 0 : UInt8.random(in: 0...255, using: &rng) }
        }
        xs.sort { $0.lexicographicallyPrecedes($1) }
        let hs = xs.map { HashLuck.H(x: $0) }
        for i in 1..<hs.count { #expect(hs[i] <= hs[i - 1]) }
    }

    /// Contexts are per thread: concurrent callers get the same answers as a serial run.
    @Test func concurrentCallsAgree() async throws {
        let file = try VectorFile<Case>.load("h_of_x.json")
        let inputs = try file.cases.map { (try minimalHexTo32($0.x), $0.H) }
        let ok = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { inputs.allSatisfy { HashLuck.H(x: $0.0) == $0.1 } }
            }
            var all = true
            for await r in group { all = all && r }
            return all
        }
        #expect(ok)
    }
}
