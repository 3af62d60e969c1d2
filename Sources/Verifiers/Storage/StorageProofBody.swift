import MiningCore

/// The `storage:v1` heartbeat body (documented in docs/decisions/useful-verifiers.md):
///
///     {"providerKey": "0x…32", "sectorRoot": "0x…32", "leafCount": n, "epoch": e,
///      "openings": [{"challenge": i, "leaf": "0x…4096 bytes", "path": ["0x…32", …]}, …],
///      "tickets": [{"challenge": i, "client": "0x…32", "signature": "0x…64"}, …],   (optional)
///      "signature": "0x…64"}
///
/// Openings and tickets are listed by strictly increasing challenge number; a challenge without
/// an opening is "missing" (lowers availability).
public struct StorageProofBody: Sendable, Equatable {
    public struct Opening: Sendable, Equatable {
        public var challenge: UInt32
        public var leaf: [UInt8]
        public var path: [[UInt8]]
        public init(challenge: UInt32, leaf: [UInt8], path: [[UInt8]]) {
            self.challenge = challenge
            self.leaf = leaf
            self.path = path
        }
    }

    /// A retrieval ticket: a client's Ed25519 signature over ``RetrievalTicket/message`` saying it
    /// was served the leaf of challenge `challenge`.
    public struct Ticket: Sendable, Equatable {
        public var challenge: UInt32
        public var client: [UInt8]
        public var signature: [UInt8]
        public init(challenge: UInt32, client: [UInt8], signature: [UInt8]) {
            self.challenge = challenge
            self.client = client
            self.signature = signature
        }
    }

    public static let maxChallenges = 1024

    public var providerKey: [UInt8]
    public var sectorRoot: [UInt8]
    public var leafCount: UInt64
    public var epoch: UInt64
    public var openings: [Opening]
    /// nil when the body has no `tickets` key.
    public var tickets: [Ticket]?
    public var signature: [UInt8]

    public init(providerKey: [UInt8], sectorRoot: [UInt8], leafCount: UInt64, epoch: UInt64,
                openings: [Opening], tickets: [Ticket]?, signature: [UInt8]) {
        self.providerKey = providerKey
        self.sectorRoot = sectorRoot
        self.leafCount = leafCount
        self.epoch = epoch
        self.openings = openings
        self.tickets = tickets
        self.signature = signature
    }

    /// The provider's signed heartbeat: binds the parent block, the sector, the epoch, which
    /// challenges were answered and which carry tickets.
    public func heartbeat(parentHash: [UInt8]) -> JSONValue {
        ["domain": "animica:storage:heartbeat:v1", "parentHash": .string(Hex.encode(parentHash)),
         "sectorRoot": .string(Hex.encode(sectorRoot)), "leafCount": .int(Int64(leafCount)),
         "epoch": .int(Int64(epoch)), "provided": .array(openings.map { .int(Int64($0.challenge)) }),
         "tickets": .array((tickets ?? []).map { .int(Int64($0.challenge)) })]
    }

    /// Nullifier identity: SHA3-256(providerKey) ‖ sectorRoot ‖ u64(epoch).
    public var nullifierIdentity: [UInt8] { SHA3_256.hash(providerKey) + sectorRoot + BE.u64(epoch) }

    public func nullifier(chainId: UInt32) -> [UInt8] {
        Nullifier(type: .storage, identityBytes: nullifierIdentity, chainId: chainId).bytes
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "providerKey": .string(Hex.encode(providerKey)), "sectorRoot": .string(Hex.encode(sectorRoot)),
            "leafCount": .int(Int64(leafCount)), "epoch": .int(Int64(epoch)),
            "openings": .array(openings.map {
                ["challenge": .int(Int64($0.challenge)), "leaf": .string(Hex.encode($0.leaf)),
                 "path": .array($0.path.map { .string(Hex.encode($0)) })]
            }),
            "signature": .string(Hex.encode(signature)),
        ]
        if let tickets {
            o["tickets"] = .array(tickets.map {
                ["challenge": .int(Int64($0.challenge)), "client": .string(Hex.encode($0.client)),
                 "signature": .string(Hex.encode($0.signature))]
            })
        }
        return .object(o)
    }

    public static func decode(_ v: JSONValue) throws(Rejection) -> StorageProofBody {
        var o = try BodyReader(v, path: "body")
        let leafCount = try o.uint("leafCount", 1...StorageChallenge.maxLeafCount)
        let height = BinaryMerkle.height(leafCount: leafCount)
        var last = -1
        let openings = try o.array("openings", count: 0...maxChallenges).enumerated().map { (i, x) throws(Rejection) -> Opening in
            var e = try BodyReader(x, path: "body.openings[\(i)]")
            let c = try e.uint("challenge", 0...UInt64(maxChallenges - 1))
            guard Int(c) > last else {
                throw Rejection(.outOfRange, field: "body.openings[\(i)].challenge", "challenges must be strictly increasing")
            }
            last = Int(c)
            let leaf = try e.hex("leaf", bytes: StorageChallenge.leafSize)
            let path = try e.array("path", count: height...height).enumerated().map { (j, p) throws(Rejection) in
                try BodyReader.hex(p, field: "body.openings[\(i)].path[\(j)]", bytes: 32)
            }
            try e.finish()
            return Opening(challenge: UInt32(c), leaf: leaf, path: path)
        }
        var tickets: [Ticket]? = nil
        if o.has("tickets") {
            last = -1
            tickets = try o.array("tickets", count: 0...maxChallenges).enumerated().map { (i, x) throws(Rejection) -> Ticket in
                var e = try BodyReader(x, path: "body.tickets[\(i)]")
                let c = try e.uint("challenge", 0...UInt64(maxChallenges - 1))
                guard Int(c) > last else {
                    throw Rejection(.outOfRange, field: "body.tickets[\(i)].challenge", "challenges must be strictly increasing")
                }
                last = Int(c)
                let t = Ticket(challenge: UInt32(c), client: try e.hex("client", bytes: 32), signature: try e.hex("signature", bytes: 64))
                try e.finish()
                return t
            }
        }
        let body = StorageProofBody(
            providerKey: try o.hex("providerKey", bytes: 32), sectorRoot: try o.hex("sectorRoot", bytes: 32),
            leafCount: leafCount, epoch: try o.uint("epoch", 0...UInt64(Int64.max)),
            openings: openings, tickets: tickets, signature: try o.hex("signature", bytes: 64))
        try o.finish()
        return body
    }
}
