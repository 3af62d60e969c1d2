import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// 2,000 byte-level mutations (replace, insert, delete one byte) of a valid VDF envelope's JSON text,
/// drawn from SplitMix64 seed 0x5EED_0F_FD: each is rejected with a code, or — if semantically neutral
/// (whitespace, …) — accepted with the original's type, nullifier and metrics. Never a crash.
@Suite struct EnvelopeMutationTests {
    @Test func mutationsAreRejectedOrNeutral() {
        let proof = VDFProof.prove(seed: SHA3_256.hash(Array("mutation".utf8)), T: 300, modulus: VDFModuli.rsa2048)
        let env = proof.envelope(chainId: 1337)
        // Pretty-ish text with spaces so that whitespace mutations exist.
        let text = Array(env.json.canonical.replacingOccurrences(of: ",", with: ", ").utf8)
        guard case .success(let original) = Verifiers.verify(jsonText: Data(text), .devnet) else {
            Issue.record("the unmutated envelope is rejected")
            return
        }
        var rng = SplitMix64(seed: 0x5EED_0F_FD)
        let alphabet = Array("0123456789abcdefABCDEF0x{}[]\":, \t\n-.eE\\".utf8)
        var accepted = 0, rejected = 0
        for i in 0..<2000 {
            var m = text
            let pos = Int(rng.next() % UInt64(m.count))
            let byte: UInt8 = rng.next() % 2 == 0
                ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: rng.next())
            switch rng.next() % 3 {
            case 0: m[pos] = byte
            case 1: m.insert(byte, at: pos)
            default: m.remove(at: pos)
            }
            if m == text { continue }
            switch Verifiers.verify(jsonText: Data(m), .devnet) {
            case .success(let p):
                accepted += 1
                #expect(p.metrics == original.metrics && p.nullifier == original.nullifier && p.type == original.type,
                        "mutation \(i) accepted with different meaning: \(String(decoding: m, as: UTF8.self))")
            case .failure(let r):
                rejected += 1
                #expect(!r.detail.isEmpty)
            }
        }
        #expect(rejected > 1500)
        #expect(accepted + rejected > 1900)
    }
}
