import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

@Suite struct VDFProverTests {
    @Test(arguments: [UInt64(256), 300, 1024])
    func proverOutputVerifies(T: UInt64) {
        let seed = SHA3_256.hash(Array("prover \(T)".utf8))
        let proof = VDFProof.prove(seed: seed, T: T, modulus: VDFModuli.rsa2048)
        let env = proof.envelope(chainId: 1337)
        guard case .success(let p) = Verifiers.verify(env, .devnet) else {
            Issue.record("prover output rejected")
            return
        }
        #expect(p.metrics == .vdf(iterations: T))
        // The same proof claiming one more squaring is wrong.
        #expect(!Wesolowski.verify(modulus: proof.modulus.bytes, g: proof.g.bytes, y: proof.y.bytes,
                                   pi: proof.pi.bytes, T: T + 1))
    }

    @Test func proverReproducesTheVector() throws {
        let cases = try VectorFile<VDFVectorTests.Case>.load("vdf.json").cases
        let c = try #require(cases.first { $0.valid && $0.T == 1000 })
        let seed = try StrictHex.bytes(#require(c.seed), field: "seed")
        let proof = VDFProof.prove(seed: seed, T: c.T, modulus: VDFModuli.rsa2048)
        #expect(proof.g.hex == c.g)
        #expect(proof.y.hex == c.y)
        #expect(proof.pi.hex == c.pi)
    }

    @Test func warmWorkspaceDoesNotGrow() {
        let proof = VDFProof.prove(seed: [1, 2, 3], T: 256, modulus: VDFModuli.rsa2048)
        let w = WesolowskiWorkspace()
        let (n, g, y, pi) = (proof.modulus.bytes, proof.g.bytes, proof.y.bytes, proof.pi.bytes)
        #expect(Wesolowski.verify(modulus: n, g: g, y: y, pi: pi, T: 256, workspace: w))
        let limbs = w.allocatedLimbs
        for _ in 0..<5 {
            #expect(Wesolowski.verify(modulus: n, g: g, y: y, pi: pi, T: 256, workspace: w))
        }
        #expect(w.allocatedLimbs == limbs)
    }
}
