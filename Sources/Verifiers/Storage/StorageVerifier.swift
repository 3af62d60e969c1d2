import MiningCore

/// The `storage:v1` heartbeat verifier (spec section 8): schema → bindings → cryptography → metrics.
///
/// A wrong opening rejects the proof; missing openings only lower `avail = provided/challenges`;
/// `heartbeat` holds iff at least half the challenges are answered (all answered ones verify, or
/// the proof was rejected); `sizeGiB = leafCount · 4096 / 2^30`; `retrieval = tickets/challenges`.
public struct StorageVerifier: BodyProofVerifier {
    public init() {}

    public static let proofType = ProofType.storage
    public static func decodeBody(_ body: JSONValue) throws(Rejection) -> StorageProofBody { try StorageProofBody.decode(body) }

    public static func verify(body: StorageProofBody, nullifier: [UInt8], context: VerifierContext) throws(Rejection) -> ProofMetrics {
        let challenges = context.storageChallenges
        guard (1...StorageProofBody.maxChallenges).contains(challenges) else {
            throw Rejection(.outOfRange, field: "context.storageChallenges", "the policy must issue 1…\(StorageProofBody.maxChallenges) challenges")
        }
        guard body.epoch == context.storageEpoch else {
            throw Rejection(.staleEpoch, field: "body.epoch", "expected the current epoch \(context.storageEpoch), got \(body.epoch)")
        }
        if let bad = body.openings.firstIndex(where: { Int($0.challenge) >= challenges }) {
            throw Rejection(.outOfRange, field: "body.openings[\(bad)].challenge", "the policy issues \(challenges) challenges")
        }
        try context.checkNullifier(derived: body.nullifier(chainId: context.chainId), claimed: nullifier)
        var leafHashes = [UInt32: (index: UInt64, hash: [UInt8])]()
        for (i, op) in body.openings.enumerated() {
            let idx = StorageChallenge.index(parentHash: context.parentHash, sectorRoot: body.sectorRoot, epoch: body.epoch,
                                             challenge: op.challenge, leafCount: body.leafCount)
            let h = BinaryMerkle.leafHash(op.leaf)
            guard BinaryMerkle.root(fromLeafHash: h, index: idx, path: op.path) == body.sectorRoot else {
                throw Rejection(.badOpening, field: "body.openings[\(i)]", "leaf \(idx) and its path do not reach sectorRoot")
            }
            leafHashes[op.challenge] = (idx, h)
        }
        for (i, t) in (body.tickets ?? []).enumerated() {
            guard let opened = leafHashes[t.challenge] else {
                throw Rejection(.badTicket, field: "body.tickets[\(i)].challenge", "the ticket's challenge has no opening")
            }
            guard t.client != body.providerKey else {
                throw Rejection(.badTicket, field: "body.tickets[\(i)].client", "a provider cannot ticket its own retrievals")
            }
            let msg = RetrievalTicket.message(sectorRoot: body.sectorRoot, epoch: body.epoch, index: opened.index, leafHash: opened.hash)
            guard Ed25519.verify(signature: t.signature, message: msg, publicKey: t.client) else {
                throw Rejection(.badTicket, field: "body.tickets[\(i)].signature", "not a valid Ed25519 signature by the client")
            }
        }
        try context.checkKeyAllowed(body.providerKey, for: .storage)
        guard Ed25519.verify(signature: body.signature, message: body.heartbeat(parentHash: context.parentHash).canonicalBytes,
                             publicKey: body.providerKey) else {
            throw Rejection(.badSignature, field: "body.signature", "not a valid Ed25519 signature of the heartbeat by providerKey")
        }
        let provided = body.openings.count
        return .storage(heartbeat: 2 * provided >= challenges,
                        sizeGiB: Double(body.leafCount) * Double(StorageChallenge.leafSize) / 1_073_741_824,
                        avail: Double(provided) / Double(challenges),
                        retrieval: Double(body.tickets?.count ?? 0) / Double(challenges))
    }
}
