import CGMP
import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// The one-pass Montgomery double exponentiation against two `mpz_powm` calls, on seeded random
/// inputs (SplitMix64 seed 0xD0_0B1E) and several modulus sizes.
@Suite struct MontgomeryDoubleExpTests {
    func randomBytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    }

    @Test func agreesWithTwoPowm() {
        var rng = SplitMix64(seed: 0xD0_0B1E)
        let w = WesolowskiWorkspace()
        let moduli: [[UInt8]] = [VDFModuli.rsa2048.bytes, [0x01, 0x00, 0x03], randomBytes(64, &rng) + [0x01], randomBytes(17, &rng) + [0x0f]]
        var checked = 0
        for nb in moduli {
            let mont = MontgomeryDoubleExp()
            w.n.set(bytes: nb)
            #expect(mont.setModulus(w.n, bytes: nb))
            for trial in 0..<40 {
                w.pi.set(bytes: randomBytes(nb.count + 3, &rng))
                __gmpz_mod(w.pi.p, w.pi.p, w.n.p)
                w.g.set(bytes: randomBytes(nb.count + 3, &rng))
                __gmpz_mod(w.g.p, w.g.p, w.n.p)
                let elen = trial == 0 ? 0 : 1 + Int(rng.next() % 20)
                w.ell.set(bytes: randomBytes(elen, &rng))
                w.r.set(bytes: randomBytes(Int(rng.next() % 17), &rng))
                // Expected value via powm.
                __gmpz_powm(w.a.p, w.pi.p, w.ell.p, w.n.p)
                __gmpz_powm(w.b.p, w.g.p, w.r.p, w.n.p)
                __gmpz_mul(w.c.p, w.a.p, w.b.p)
                __gmpz_mod(w.y.p, w.c.p, w.n.p)
                #expect(w.equationByTwoPowm())
                #expect(mont.doubleExpEquals(w.pi, w.ell, w.g, w.r, y: w.y), "modulus \(nb.count) bytes, trial \(trial)")
                __gmpz_add_ui(w.c.p, w.y.p, 1)
                __gmpz_mod(w.y.p, w.c.p, w.n.p)
                #expect(!mont.doubleExpEquals(w.pi, w.ell, w.g, w.r, y: w.y))
                checked += 1
            }
        }
        #expect(checked == 160)
    }

    @Test func evenModulusFallsBack() {
        let m = MontgomeryDoubleExp()
        let n = MPZ()
        n.set(bytes: [0x10, 0x00])
        #expect(!m.setModulus(n, bytes: [0x10, 0x00]))
    }
}
