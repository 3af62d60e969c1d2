import MiningCore

/// A VDF proof's body `{N, g, T, y, pi}` (spec section 8) with its nullifier identity and envelope.
public struct VDFProof: Sendable, Equatable {
    public var modulus: GMPInteger
    public var g: GMPInteger
    public var T: UInt64
    public var y: GMPInteger
    public var pi: GMPInteger

    public init(modulus: GMPInteger, g: GMPInteger, T: UInt64, y: GMPInteger, pi: GMPInteger) {
        self.modulus = modulus
        self.g = g
        self.T = T
        self.y = y
        self.pi = pi
    }

    /// Proves `T` squarings from `g = H2G(seed, N)`.
    public static func prove(seed: [UInt8], T: UInt64, modulus: GMPInteger) -> VDFProof {
        let g = Wesolowski.hashToGroup(seed: seed, modulus: modulus)
        let (y, pi) = Wesolowski.prove(g: g, T: T, modulus: modulus)
        return VDFProof(modulus: modulus, g: g, T: T, y: y, pi: pi)
    }

    /// Nullifier identity: `SHA3-256(N bytes) ‖ SHA3-256(g bytes) ‖ u64(T)` (minimal big-endian bytes).
    public static func identity(modulus: [UInt8], g: [UInt8], T: UInt64) -> [UInt8] {
        var id = SHA3_256.hash(modulus) + SHA3_256.hash(g)
        for s in stride(from: 56, through: 0, by: -8) { id.append(UInt8(truncatingIfNeeded: T >> UInt64(s))) }
        return id
    }

    public var body: JSONValue {
        ["N": .string(modulus.hex), "g": .string(g.hex), "T": .int(Int64(clamping: T)),
         "y": .string(y.hex), "pi": .string(pi.hex)]
    }

    public func envelope(chainId: UInt32) -> ProofEnvelope {
        let n = ProofNullifier.compute(type: .vdf, identity: Self.identity(modulus: modulus.bytes, g: g.bytes, T: T),
                                       chainId: chainId)
        return ProofEnvelope(type: .vdf, body: body, nullifier: n)
    }
}
