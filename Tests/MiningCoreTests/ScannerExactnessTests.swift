import Foundation
import MiningCore
import Testing
import TestSupport

/// The scanner's integer decision `x ≤ X(t)` against the exact `H(x) ≥ t`, and its share count
/// against the closed form `P(H ≥ t) = (X(t)+1)/2^256` (issue 2's "done when").
@Suite struct ScannerExactnessTests {
    /// 10^5 draws around threshold boundaries (fixed seed 0x5CA_77E5): for random targets t, the
    /// x values X(t)−2 … X(t)+2 and random x near X(t), `ScanTarget.admits` must equal
    /// `HashLuck.H(x) ≥ t` exactly.
    @Test func admitsAgreesWithExactHAroundBoundaries() throws {
        var rng = SplitMix64(seed: 0x5CA_77E5)
        var checked = 0
        while checked < 100_000 {
            let t = Int64.random(in: 1 ... 40_000_000, using: &rng)
            guard let xBytes = Threshold.X(t: t) else { continue }
            let target = try ScanTarget(bigEndianBytes: xBytes)
            var candidates: [[UInt8]] = []
            for delta in -2 ... 2 { candidates.append(Self.add(xBytes, delta)) }
            // Random x sharing X(t)'s top bytes, so they straddle the boundary.
            for _ in 0 ..< 15 {
                var x = xBytes
                let keep = Int.random(in: 0 ... 31, using: &rng)
                for i in keep ..< 32 { x[i] = UInt8.random(in: 0 ... 255, using: &rng) }
                candidates.append(x)
            }
            for x in candidates {
                let exact = HashLuck.H(x: x) >= t
                #expect(target.admits(bigEndianBytes: x) == exact, "t=\(t) x=\(Hex.encode(x))")
                checked += 1
            }
        }
    }

    /// 2^20 nonces scanned at a small share target t = 5 nats (expected count 2^20·P ≈ 7,065): the
    /// count must lie within 5σ of the binomial mean (fixed seed 0x2_20 for the template bytes).
    @Test func shareCountOf2To20NoncesMatchesTheClosedForm() throws {
        var rng = SplitMix64(seed: 0x2_20)
        let sign = (0 ..< 303).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        let mix = (0 ..< 32).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
        let midstate = try UDrawMidstate(signBytes: sign, mixSeed: mix, extranonce1: 0)
        let t: Int64 = 5_000_000
        let x = try #require(Threshold.X(t: t))
        let targets = try ScanTargets(shareBytes: x, blockBytes: nil)
        let n = 1 << 20
        let hits = NonceScan.scanRange(midstate, extranonce2: 0, counters: 0 ..< UInt64(n), targets: targets)
        // P = (X+1)/2^256 from the exact threshold's top 8 bytes (relative error < 2^-50).
        let top = x[0 ..< 8].reduce(0.0) { $0 * 256 + Double($1) }
        let p = (top + 1) / 18_446_744_073_709_551_616.0
        let mean = Double(n) * p, sd = (Double(n) * p * (1 - p)).squareRoot()
        #expect(abs(Double(hits.count) - mean) <= 5 * sd, "hits \(hits.count), expected \(mean) ± \(sd)")
        // Every hit is a real share by the exact H.
        for h in hits.prefix(200) { #expect(HashLuck.H(x: h.x) >= t) }
    }

    /// `x + delta` on 32-byte big-endian integers (saturating at 0 and 2^256−1).
    static func add(_ x: [UInt8], _ delta: Int) -> [UInt8] {
        var out = x
        if delta >= 0 {
            for _ in 0 ..< delta {
                guard out.contains(where: { $0 != 0xFF }) else { break }
                var i = 31
                while out[i] == 0xFF { out[i] = 0; i -= 1 }
                out[i] += 1
            }
        } else {
            for _ in 0 ..< -delta {
                guard out.contains(where: { $0 != 0 }) else { break }
                var i = 31
                while out[i] == 0 { out[i] = 0xFF; i -= 1 }
                out[i] -= 1
            }
        }
        return out
    }
}
