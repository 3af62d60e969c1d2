import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// Issue 15 item 6: 10,000 mutants of one valid envelope per type through `Verifiers.verify`,
/// drawn from SplitMix64 seed 0x15F0_22ED (per type: seed + raw type id). Half are byte-level
/// (bit flip, byte replace/insert/delete, truncation) on the canonical text, half JSON-level (a
/// number nudged or swapped for an extreme, a hex string edited, two fields' values swapped, a
/// field dropped, added or given another kind, an array element dropped or duplicated).
///
/// A mutant whose JSON is canonically the original (a semantic no-op) must be accepted with the
/// original's verified proof; every other mutant changed consensus bytes (the canonical body that
/// `proofsRoot` hashes, the nullifier or the type) and must be rejected with a code and a detail.
/// The counts per outcome and reason are printed (`swift test --filter VerifyMutationTests`).
///
/// The envelopes are the small ones the verifier suites use (AI 64 rows × [16, 32, 8], quantum
/// width 8 × depth 64, storage 37 leaves, 2 challenges and 2 tickets, VDF T = 300, the first udraw vector's
/// share), so even the mutants that reach the cryptography cost well under a millisecond.
@Suite struct VerifyMutationTests {
    static let mutantsPerType = 10_000
    static let seed: UInt64 = 0x15F0_22ED

    struct Subject: Sendable {
        let envelope: ProofEnvelope
        let context: VerifierContext
    }

    static func subject(_ type: ProofType) throws -> Subject {
        switch type {
        case .hashShare:
            let c = try #require(HashShareVerifierTests.cases.first)
            return Subject(envelope: try HashShareVerifierTests.envelope(c), context: HashShareVerifierTests.context(c))
        case .ai: return Subject(envelope: AIVerifierTests.envelope(), context: AIVerifierTests.context)
        case .quantum: return Subject(envelope: QuantumVerifierTests.envelope(), context: QuantumVerifierTests.context)
        case .storage:
            // 2 challenges instead of the suite's 16: each opening carries a 4 KiB leaf, and 16 of
            // them make a 135 KB envelope that dominated the sweep's time.
            let env = try StorageVerifierTests.provider().prove(parentHash: UsefulTestSupport.parentHash, epoch: 5, challenges: 2,
                                                                chainId: 1337, ticketClients: Array(StorageVerifierTests.clients.prefix(2)))
            return Subject(envelope: env, context: VerifierContext(chainId: 1337, parentHash: UsefulTestSupport.parentHash,
                                                                   storageChallenges: 2, storageEpoch: 5))
        case .vdf:
            let proof = VDFProof.prove(seed: SHA3_256.hash(Array("mutation".utf8)), T: 300, modulus: VDFModuli.rsa2048)
            return Subject(envelope: proof.envelope(chainId: 1337), context: .devnet)
        }
    }

    /// Outcome counts of one type's sweep.
    struct Tally: CustomStringConvertible {
        var noOps = 0
        var rejected: [Rejection.Code: Int] = [:]
        /// Mutants that changed consensus bytes yet were accepted (must stay empty).
        var acceptedChanged: [String] = []
        /// No-op mutants rejected or accepted as another proof (must stay empty).
        var noOpMismatches: [String] = []
        var emptyDetails = 0

        var rejectedTotal: Int { rejected.values.reduce(0, +) }
        var description: String {
            let reasons = rejected.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            return "no-op accepted \(noOps), rejected \(rejectedTotal) (\(reasons)), accepted changed \(acceptedChanged.count)"
        }
    }

    @Test(.timeLimit(.minutes(5)), arguments: ProofType.allCases)
    func mutantsAreRejectedWithAReasonOrAreNoOps(_ type: ProofType) async throws {
        let s = try Self.subject(type)
        guard case .success(let original) = Verifiers.verify(s.envelope, s.context) else {
            Issue.record("the unmutated \(type) envelope is rejected: \(Verifiers.verify(s.envelope, s.context))")
            return
        }
        // 10,000 verifications: off the cooperative pool (``OffPool``).
        let tally = try await OffPool.run { Self.sweep(s, type: type, original: original) }
        Self.check(tally, type: type)
    }

    static func sweep(_ s: Subject, type: ProofType, original: VerifiedProof) -> Tally {
        let canonical = s.envelope.json.canonicalBytes
        var rng = SplitMix64(seed: Self.seed &+ UInt64(type.rawValue))
        var tally = Tally()
        for n in 0..<Self.mutantsPerType {
            let mutant = n % 2 == 0
                ? EnvelopeMutator.byteLevel(canonical, rng: &rng)
                : EnvelopeMutator.jsonLevel(s.envelope.json, rng: &rng).canonicalBytes
            let same = (try? StrictJSON.parse(mutant))?.canonicalBytes == canonical
            switch Verifiers.verify(jsonText: Data(mutant), s.context) {
            case .success(let p):
                if same {
                    tally.noOps += 1
                    if p != original { tally.noOpMismatches.append("mutant \(n) verified as another proof") }
                } else {
                    tally.acceptedChanged.append("mutant \(n): \(String(decoding: mutant.prefix(400), as: UTF8.self))")
                }
            case .failure(let r):
                tally.rejected[r.code, default: 0] += 1
                if r.detail.isEmpty { tally.emptyDetails += 1 }
                if same { tally.noOpMismatches.append("no-op mutant \(n) rejected: \(r)") }
            }
        }
        return tally
    }

    static func check(_ tally: Tally, type: ProofType) {
        print("VerifyMutationTests \(type.wireId): \(Self.mutantsPerType) mutants (seed \(String(Self.seed &+ UInt64(type.rawValue), radix: 16))): \(tally)")
        #expect(tally.noOps + tally.rejectedTotal + tally.acceptedChanged.count == Self.mutantsPerType)
        #expect(tally.acceptedChanged.isEmpty, "\(tally.acceptedChanged.count) changed envelopes accepted, e.g. \(tally.acceptedChanged.prefix(3))")
        #expect(tally.noOpMismatches.isEmpty, "\(tally.noOpMismatches.prefix(3))")
        #expect(tally.emptyDetails == 0)
        // Almost every mutation changes the envelope; the sweep must reach past the JSON layer
        // (schema, binding and cryptographic reasons, not only malformed_json).
        #expect(tally.rejectedTotal >= Self.mutantsPerType * 9 / 10)
        #expect(tally.rejected.keys.filter { $0 != .malformedJSON }.count >= 4, "\(tally)")
    }
}
