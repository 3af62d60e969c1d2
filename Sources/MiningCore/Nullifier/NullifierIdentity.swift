/// The per-type identity a nullifier commits to (spec §8): the fields that make two proofs "the
/// same work". Digests and roots are 32 bytes, the hashshare nonce 16; VDF `N` and `g` are the
/// minimal big-endian bytes of the integers and enter hashed, so their length is free.
public enum NullifierIdentity: Sendable, Hashable {
    /// templateHash ‖ nonce(16) ‖ mixSeed
    case hashShare(templateHash: [UInt8], nonce: [UInt8], mixSeed: [UInt8])
    /// providerKeyHash ‖ modelDigest ‖ inputDigest ‖ outputDigest ‖ trapRoot
    case ai(providerKeyHash: [UInt8], modelDigest: [UInt8], inputDigest: [UInt8], outputDigest: [UInt8], trapRoot: [UInt8])
    /// providerKeyHash ‖ circuitDigest ‖ resultDigest ‖ trapRoot
    case quantum(providerKeyHash: [UInt8], circuitDigest: [UInt8], resultDigest: [UInt8], trapRoot: [UInt8])
    /// providerKeyHash ‖ sectorRoot ‖ u64(epoch)
    case storage(providerKeyHash: [UInt8], sectorRoot: [UInt8], epoch: UInt64)
    /// SHA3-256(N bytes) ‖ SHA3-256(g bytes) ‖ u64(T)
    case vdf(N: [UInt8], g: [UInt8], T: UInt64)

    public var type: ProofType {
        switch self {
        case .hashShare: return .hashShare
        case .ai: return .ai
        case .quantum: return .quantum
        case .storage: return .storage
        case .vdf: return .vdf
        }
    }

    /// The identity bytes, with every fixed-size field's length checked.
    public func bytes() throws(NullifierError) -> [UInt8] {
        switch self {
        case let .hashShare(templateHash, nonce, mixSeed):
            return try Self.join([("templateHash", templateHash, 32), ("nonce", nonce, 16), ("mixSeed", mixSeed, 32)])
        case let .ai(key, model, input, output, traps):
            return try Self.join([("providerKeyHash", key, 32), ("modelDigest", model, 32), ("inputDigest", input, 32),
                                  ("outputDigest", output, 32), ("trapRoot", traps, 32)])
        case let .quantum(key, circuit, result, traps):
            return try Self.join([("providerKeyHash", key, 32), ("circuitDigest", circuit, 32),
                                  ("resultDigest", result, 32), ("trapRoot", traps, 32)])
        case let .storage(key, sector, epoch):
            return try Self.join([("providerKeyHash", key, 32), ("sectorRoot", sector, 32)]) + ByteOrder.u64(epoch)
        case let .vdf(n, g, t):
            return SHA3_256.hash(n) + SHA3_256.hash(g) + ByteOrder.u64(t)
        }
    }

    private static func join(_ fields: [(String, [UInt8], Int)]) throws(NullifierError) -> [UInt8] {
        var out = [UInt8]()
        for (name, bytes, size) in fields {
            guard bytes.count == size else { throw .wrongLength(field: name, expected: size, actual: bytes.count) }
            out += bytes
        }
        return out
    }
}
