import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// Every case of Tests/Vectors/vdf.json through H2G, HashToPrime and the full verifier.
@Suite struct VDFVectorTests {
    struct Case: Decodable, Sendable {
        let N: String
        let g: String
        let T: UInt64
        let y: String
        let pi: String
        let valid: Bool
        let seed: String?
        let ell: String?
        let ellCounter: UInt64?
    }

    static let cases: [Case] = (try? VectorFile<Case>.load("vdf.json").cases) ?? []

    func big(_ s: String) throws -> GMPInteger {
        try GMPInteger(bytes: StrictHex.bigUInt(s, field: "vector"))
    }

    @Test func vectorFileLoads() {
        #expect(Self.cases.count == 36)
        #expect(Self.cases.contains { $0.valid } && Self.cases.contains { !$0.valid })
    }

    @Test func builtInModulusIsTheVectorsRSA2048() throws {
        for c in Self.cases { #expect(try big(c.N) == VDFModuli.rsa2048) }
        #expect(VDFModuli.rsa2048.bitWidth == 2048)
        #expect(VDFModuli.rsa2048.hex.hasPrefix("0xc7970ceedcc3b075"))
    }

    @Test(arguments: cases.filter { $0.seed != nil })
    func hashToGroupAndChallenge(_ c: Case) throws {
        let seed = try StrictHex.bytes(#require(c.seed), field: "seed")
        let n = try big(c.N)
        #expect(Wesolowski.hashToGroup(seed: seed, modulus: n) == (try big(c.g)))
        let (ell, ctr) = Wesolowski.challenge(modulus: n, g: try big(c.g), y: try big(c.y), T: c.T)
        #expect(ell == (try big(#require(c.ell))))
        #expect(ctr == c.ellCounter)
    }

    @Test(arguments: cases)
    func verifierMatchesVector(_ c: Case) throws {
        let proof = VDFProof(modulus: try big(c.N), g: try big(c.g), T: c.T, y: try big(c.y), pi: try big(c.pi))
        let env = proof.envelope(chainId: 1337)
        switch Verifiers.verify(env, .devnet) {
        case .success(let p):
            #expect(c.valid, "tampered vector accepted")
            #expect(p.metrics == .vdf(iterations: c.T))
            #expect(p.nullifier == env.nullifier)
            #expect(p.canonicalBody == env.body.canonicalBytes)
        case .failure(let r):
            #expect(!c.valid, "valid vector rejected: \(r)")
            // Short delays are refused by range; π = N by range; the rest by the equation.
            #expect([.outOfRange, .badProof].contains(r.code))
            if c.T < 256 { #expect(r.code == .outOfRange) }
        }
    }

    /// The seeded short-delay cases are honest evaluations (π = 1 since 2^T < ℓ): the bare equation
    /// holds, and only v1's range rules (T ≥ 256, 1 < π) refuse them.
    @Test(arguments: cases.filter { $0.seed != nil && $0.T < 256 })
    func shortDelayEquationHoldsButIsRefused(_ c: Case) throws {
        let b = { (s: String) throws in try StrictHex.bigUInt(s, field: "v") }
        #expect(WesolowskiWorkspace().verify(n: try b(c.N), g: try b(c.g), y: try b(c.y), pi: try b(c.pi), T: c.T))
        #expect(!Wesolowski.verify(modulus: try b(c.N), g: try b(c.g), y: try b(c.y), pi: try b(c.pi), T: c.T))
        let env = VDFProof(modulus: try big(c.N), g: try big(c.g), T: c.T, y: try big(c.y), pi: try big(c.pi))
            .envelope(chainId: 1337)
        guard case .failure(let r) = Verifiers.verify(env, .devnet) else {
            Issue.record("short delay accepted")
            return
        }
        #expect(r.code == .outOfRange)
        #expect(r.field == "body.T" || r.field == "body.pi")
    }
}

extension VDFVectorTests.Case: CustomTestStringConvertible {
    var testDescription: String { "T=\(T) valid=\(valid) pi=\(pi.prefix(10))" }
}
