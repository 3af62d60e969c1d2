import MiningCore

/// Retrieval tickets (spec section 8 leaves them open): a client that fetched a challenged leaf
/// signs `{"domain":"animica:storage:ticket:v1","epoch","index","leafHash","sectorRoot"}`
/// (canonical JSON) with its own Ed25519 key. `retrieval = valid tickets / challenges`.
/// Devnet accepts any client key other than the provider's own.
public enum RetrievalTicket {
    public static func message(sectorRoot: [UInt8], epoch: UInt64, index: UInt64, leafHash: [UInt8]) -> [UInt8] {
        let v: JSONValue = ["domain": "animica:storage:ticket:v1", "sectorRoot": .string(Hex.encode(sectorRoot)),
                            "epoch": .int(Int64(epoch)), "index": .int(Int64(index)),
                            "leafHash": .string(Hex.encode(leafHash))]
        return v.canonicalBytes
    }
}
