import ArgumentParser
import Foundation
import MiningCore
import Verifiers

/// `simctl bench vdf`: median Wesolowski verification time next to its floor, two GMP `mpz_powm`
/// calls with 128-bit exponents (the proof's own ℓ and 2^T mod ℓ), measured interleaved in one run.
struct BenchVDF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vdf",
        abstract: "Median VDF verify time vs two 128-bit-exponent mpz_powm calls (target ratio ≤ 1.3)."
    )

    @Option(name: .customLong("t"), help: "Delay T of the benchmarked proof (proved once first).")
    var t: Int64 = 65536

    @Option(help: "Timed repetitions of each side.")
    var runs: Int = 200

    func run() throws {
        guard t >= 256, t <= 1 << 22 else { throw CLI.fail("--t", "expected 256 … 4194304") }
        guard runs >= 5, runs <= 100_000 else { throw CLI.fail("--runs", "expected 5 … 100000") }
        let n = VDFModuli.rsa2048
        let T = UInt64(t)
        let proof = VDFProof.prove(seed: SHA3_256.hash(Array("bench".utf8)), T: T, modulus: n)
        let (ell, ellCounter) = Wesolowski.challenge(modulus: n, g: proof.g, y: proof.y, T: T)
        let r = Wesolowski.reducedExponent(T: T, ell: ell)
        let floor = TwoPowmFloor(modulus: n, base1: proof.pi.bytes, exponent1: ell.bytes,
                                 base2: proof.g.bytes, exponent2: r.bytes)
        let w = WesolowskiWorkspace()
        let (nb, gb, yb, pb) = (n.bytes, proof.g.bytes, proof.y.bytes, proof.pi.bytes)
        let clock = ContinuousClock()
        var verifyNs = [Double](), floorNs = [Double](), challengeNs = [Double]()
        verifyNs.reserveCapacity(runs)
        floorNs.reserveCapacity(runs)
        var sink: Int32 = 0
        for i in 0..<(runs + 5) {
            let d1 = clock.measure { sink ^= Wesolowski.verify(modulus: nb, g: gb, y: yb, pi: pb, T: T, workspace: w) ? 1 : 0 }
            let d2 = clock.measure { sink ^= floor.run() }
            let d3 = clock.measure { sink ^= Int32(truncatingIfNeeded: Wesolowski.challenge(modulus: n, g: proof.g, y: proof.y, T: T).counter) }
            if i >= 5 {  // warm-up
                verifyNs.append(Self.ns(d1))
                floorNs.append(Self.ns(d2))
                challengeNs.append(Self.ns(d3))
            }
        }
        let v = Self.median(verifyNs), f = Self.median(floorNs)
        CLI.printJSON([
            "bench": "vdf", "modulus": "rsa2048", "T": .int(t), "runs": .int(Int64(runs)),
            "verifyMedianUs": .double((v / 10).rounded() / 100), "floorMedianUs": .double((f / 10).rounded() / 100),
            "ellCounter": .int(Int64(ellCounter)), "challengeMedianUs": .double((Self.median(challengeNs) / 10).rounded() / 100),
            "ratio": .double((v / f * 1000).rounded() / 1000), "target": .double(1.3), "sink": .int(Int64(sink & 1)),
        ])
    }

    static func ns(_ d: Duration) -> Double {
        d.inSeconds * 1e9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}
