import MiningCore

/// The VDF verifier of spec section 8: schema (`N, g, T, y, pi`, minimal hex) → bindings (named
/// modulus, `1 < g, y, π < N`, `256 ≤ T ≤ vdfMaxT`, optional parent seed, nullifier) →
/// Wesolowski equation → `ProofMetrics.vdf(iterations: T)`.
///
/// Stateless; borrows a pooled ``WesolowskiWorkspace`` so verification allocates no GMP memory
/// once warm.
public struct WesolowskiVerifier: ProofVerifier {
    public init() {}

    public func verify(_ envelope: ProofEnvelope, context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        Result { () throws(Rejection) in try check(envelope, context: context) }
    }

    func check(_ envelope: ProofEnvelope, context: VerifierContext) throws(Rejection) -> VerifiedProof {
        try envelope.expect(.vdf)
        // Schema.
        var r = try BodyReader(envelope.body)
        let n = try r.bigUInt("N")
        let g = try r.bigUInt("g")
        let t = try r.int("T", in: 0...Int64.max)
        let y = try r.bigUInt("y")
        let pi = try r.bigUInt("pi")
        try r.finish()
        let T = UInt64(t)

        // Bindings.
        guard let name = VDFModuli.name(of: n, allowed: context.vdfModuli) else {
            throw Rejection(.unknownModulus, field: "body.N",
                            "modulus is not one of the policy's vdfModuli [\(context.vdfModuli.joined(separator: ", "))]")
        }
        for (key, v) in [("g", g), ("y", y), ("pi", pi)] where !Wesolowski.isInGroupRange(v, modulus: n) {
            throw Rejection(.outOfRange, field: "body.\(key)", "expected 1 < \(key) < N (\(name))")
        }
        guard T >= Wesolowski.minT, T <= context.vdfMaxT else {
            throw Rejection(.outOfRange, field: "body.T", "expected \(Wesolowski.minT) ≤ T ≤ vdfMaxT \(context.vdfMaxT), got \(T)")
        }
        if context.vdfRequireParentSeed {
            let expected = Wesolowski.hashToGroup(seed: context.parentHash, modulus: GMPInteger(bytes: n))
            guard expected.bytes == g else {
                throw Rejection(.mismatch, field: "body.g", "g is not H2G(parentHash, N)")
            }
        }
        try envelope.checkNullifier(identity: VDFProof.identity(modulus: n, g: g, T: T), context: context)

        // Cryptography.
        guard Wesolowski.verify(modulus: n, g: g, y: y, pi: pi, T: T) else {
            throw Rejection(.badProof, field: "body.pi", "π^ℓ · g^(2^T mod ℓ) ≢ y (mod N)")
        }
        return VerifiedProof(envelope, metrics: .vdf(iterations: T))
    }
}
