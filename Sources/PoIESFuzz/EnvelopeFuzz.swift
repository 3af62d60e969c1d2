import Devnet
import Foundation
import MiningCore
import Verifiers

/// `Verifiers.verify(jsonText:)` on arbitrary bytes, under one context every envelope type can
/// pass (the seeds in Tests/Fuzz/Corpus/envelope are one valid envelope per type, written by
/// `PoIESFuzz seeds` against this context). A rejection must carry a detail; an acceptance must
/// survive re-encoding: the canonical envelope verifies to the same type, nullifier and metrics.
enum EnvelopeFuzz {
    /// The hash-share template (any nonce is a share: `sharesPerBlock` makes `tShare` 0).
    static let job = SyntheticJob.make(seed: 1)
    static let parentHash = SHA3_256.hash(Array("poies-fuzz parent".utf8))
    static let storageEpoch: UInt64 = 5

    static let context: VerifierContext = {
        let template = (try? StrictJSON.parse(Array(job.template.encodeJSON()))) ?? .null
        let id = job.jobId
        return VerifierContext(chainId: 1337, parentHash: parentHash, storageChallenges: 2, storageEpoch: storageEpoch,
                               sharesPerBlock: 1 << 62, templateLookup: { $0 == id ? template : nil })
    }()

    static func run(_ input: [UInt8]) {
        switch Verifiers.verify(jsonText: Data(input), context) {
        case .failure(let r):
            precondition(!r.detail.isEmpty, "rejection without a detail: \(r.code)")
        case .success(let proof):
            guard let envelope = try? ProofEnvelope(jsonText: Data(input)) else {
                preconditionFailure("accepted input does not decode as an envelope")
            }
            guard case .success(let again) = Verifiers.verify(jsonText: Data(envelope.json.canonicalBytes), context) else {
                preconditionFailure("the canonical form of an accepted envelope is rejected")
            }
            precondition(again == proof, "re-encoding changed the verified proof")
        }
    }
}
