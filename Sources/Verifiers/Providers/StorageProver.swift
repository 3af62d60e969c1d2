import MiningCore

/// The pure half of the storage provider: given the sector tree and the challenged leaves' bytes,
/// builds and signs a heartbeat body. (``StorageProvider`` adds the file I/O.)
public enum StorageProver {
    public struct Dishonesty: Sendable, Equatable {
        /// Omit the last N openings: lowers `avail` (and `heartbeat` below half).
        public var dropOpenings: Int
        /// Flip a byte of the first opened leaf: `badOpening`.
        public var corruptLeaf: Bool
        /// Answer the previous epoch (the next one at epoch 0): `staleEpoch`.
        public var staleEpoch: Bool
        /// Sign with a different key than the one named in the body: `badSignature`.
        public var forgeSignature: Bool
        public init(dropOpenings: Int = 0, corruptLeaf: Bool = false, staleEpoch: Bool = false, forgeSignature: Bool = false) {
            self.dropOpenings = dropOpenings
            self.corruptLeaf = corruptLeaf
            self.staleEpoch = staleEpoch
            self.forgeSignature = forgeSignature
        }
        public static let honest = Dishonesty()
    }

    /// The leaf indices a heartbeat for this sector must open.
    public static func challengedIndices(sector: StorageSector, parentHash: [UInt8], epoch: UInt64, challenges: Int) -> [UInt64] {
        StorageChallenge.indices(parentHash: parentHash, sectorRoot: sector.root, epoch: epoch,
                                 challenges: challenges, leafCount: sector.leafCount)
    }

    /// `leaf(i)` returns the bytes of leaf `i` (called only for challenged indices). Client keys
    /// ticket the first openings, one each.
    public static func proveBody(key: Ed25519.PrivateKey, sector: StorageSector, parentHash: [UInt8], epoch currentEpoch: UInt64,
                                 challenges: Int, ticketClients: [Ed25519.PrivateKey] = [],
                                 dishonesty: Dishonesty = .honest, leaf: (UInt64) throws -> [UInt8]) rethrows -> StorageProofBody {
        let epoch = dishonesty.staleEpoch ? (currentEpoch == 0 ? 1 : currentEpoch - 1) : currentEpoch
        let idx = challengedIndices(sector: sector, parentHash: parentHash, epoch: epoch, challenges: challenges)
        var openings = [StorageProofBody.Opening]()
        for (c, i) in idx.enumerated().prefix(max(0, challenges - dishonesty.dropOpenings)) {
            openings.append(.init(challenge: UInt32(c), leaf: try leaf(i), path: sector.path(index: i)))
        }
        if dishonesty.corruptLeaf, !openings.isEmpty { openings[0].leaf[0] ^= 0xff }
        let tickets: [StorageProofBody.Ticket]? = ticketClients.isEmpty ? nil : zip(openings, ticketClients).map { op, client in
            let msg = RetrievalTicket.message(sectorRoot: sector.root, epoch: epoch, index: idx[Int(op.challenge)],
                                              leafHash: BinaryMerkle.leafHash(op.leaf))
            return .init(challenge: op.challenge, client: client.publicKey, signature: client.sign(msg))
        }
        var body = StorageProofBody(providerKey: key.publicKey, sectorRoot: sector.root, leafCount: sector.leafCount,
                                    epoch: epoch, openings: openings, tickets: tickets, signature: [])
        let signer = dishonesty.forgeSignature ? Ed25519.PrivateKey(devName: "forger") : key
        body.signature = signer.sign(body.heartbeat(parentHash: parentHash).canonicalBytes)
        return body
    }
}
