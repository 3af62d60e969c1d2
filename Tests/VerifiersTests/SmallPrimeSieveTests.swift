import CGMP
import Testing
import TestSupport
@testable import Verifiers
import MiningCore

/// The HashToPrime pre-filters against GMP on seeded random 128-bit candidates (SplitMix64 seed 0x51E7E).
@Suite struct SmallPrimeSieveTests {
    @Test func sieveAgreesWithGMPRemainders() {
        var rng = SplitMix64(seed: 0x51E7E)
        let c = MPZ()
        var flagged = 0
        for _ in 0..<3000 {
            let hi = rng.next() | 1 << 63, lo = rng.next() | 1
            c.set(bytes: (0..<8).map { UInt8(truncatingIfNeeded: hi >> (56 - 8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: lo >> (56 - 8 * $0)) })
            var expected = false
            var q: UInt = 3
            while q < 400 {
                if (3..<q).allSatisfy({ q % $0 != 0 }), __gmpz_fdiv_ui(c.p, q) == 0 { expected = true; break }
                q += 2
            }
            let got = SmallPrimeSieve.hasSmallFactor(hi: UInt64(hi), lo: UInt64(lo))
            #expect(got == expected)
            if got {
                flagged += 1
                #expect(__gmpz_probab_prime_p(c.p, 25) == 0)
            }
        }
        // About 81% of odd numbers have an odd prime factor below 400.
        #expect(flagged > 2200 && flagged < 2700)
    }
}
