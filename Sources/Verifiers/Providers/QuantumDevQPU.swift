import MiningCore

/// A dev QPU: runs reversible circuits classically and adds readout noise (each output bit flips
/// independently with probability `noise`, from a seeded RNG), then signs the attestation.
public struct QuantumDevQPU: Sendable {
    public struct Dishonesty: Sendable, Equatable {
        /// Commit a wrong outcome (ideal XOR 1) for the first N traps, claiming all shots hit it.
        public var wrongOutcomes: Int
        /// Sign with a different key than the one named in the body.
        public var forgeSignature: Bool
        public init(wrongOutcomes: Int = 0, forgeSignature: Bool = false) {
            self.wrongOutcomes = wrongOutcomes
            self.forgeSignature = forgeSignature
        }
        public static let honest = Dishonesty()
    }

    public var key: Ed25519.PrivateKey
    public var width: Int
    public var depth: Int
    public var shots: UInt64
    public var trapCount: Int
    /// Per-bit readout flip probability in [0, 1].
    public var noise: Double
    public var rngSeed: UInt64
    public var latencyMsP95: UInt64
    public var successPermil: UInt64

    public init(key: Ed25519.PrivateKey, width: Int = 8, depth: Int = 64, shots: UInt64 = 1024, trapCount: Int = 16,
                noise: Double = 0, rngSeed: UInt64 = 1, latencyMsP95: UInt64 = 400, successPermil: UInt64 = 1000) {
        precondition(ReversibleCircuit.widthRange.contains(width) && ReversibleCircuit.depthRange.contains(depth))
        self.key = key
        self.width = width
        self.depth = depth
        self.shots = shots
        self.trapCount = trapCount
        self.noise = noise
        self.rngSeed = rngSeed
        self.latencyMsP95 = latencyMsP95
        self.successPermil = successPermil
    }

    /// Samples `shots` noisy runs of `circuit` and returns the histogram.
    func sample(_ circuit: ReversibleCircuit, rng: inout ProviderRNG) -> [UInt16: UInt64] {
        let ideal = circuit.idealOutput
        var hist = [UInt16: UInt64]()
        for _ in 0..<shots {
            var out = ideal
            if noise > 0 {
                for q in 0..<width where Double(rng.next() >> 11) * 0x1p-53 < noise { out ^= 1 << q }
            }
            hist[out, default: 0] += 1
        }
        return hist
    }

    public func proveBody(jobSeed: [UInt8], trapSeed: [UInt8], dishonesty: Dishonesty = .honest) -> QuantumProofBody {
        var rng = ProviderRNG(seed: rngSeed)
        let job = ReversibleCircuit.trap(trapSeed: SHA3_256.hash(parts: [Array("animica:quantum:job:v1".utf8), jobSeed]),
                                         index: 0, width: width, depth: depth)
        let hist = sample(job, rng: &rng)
        let resultDigest = SHA3_256.hash(hist.keys.sorted().flatMap { BE.u16($0) + BE.u64(hist[$0]!) })
        var outcomes = [UInt16](), counts = [UInt64]()
        for (i, c) in QuantumTraps.circuits(trapSeed: trapSeed, count: trapCount, width: width, depth: depth).enumerated() {
            let h = sample(c, rng: &rng)
            if i < dishonesty.wrongOutcomes {
                outcomes.append(c.idealOutput ^ 1)
                counts.append(shots)
            } else {
                outcomes.append(c.idealOutput)
                counts.append(h[c.idealOutput] ?? 0)
            }
        }
        let commit = SHA3_256.hash(trapSeed)
        var body = QuantumProofBody(
            providerKey: key.publicKey, circuitDigest: job.digest, resultDigest: resultDigest, trapSeedCommit: commit,
            trapSeed: trapSeed, trapOutcomes: outcomes, trapCounts: counts,
            trapRoot: QuantumTraps.root(trapSeedCommit: commit, outcomes: outcomes), shots: shots, depth: depth,
            width: width, latencyMsP95: latencyMsP95, successPermil: successPermil, signature: [])
        let signer = dishonesty.forgeSignature ? Ed25519.PrivateKey(devName: "forger") : key
        body.signature = signer.sign(body.attestation.canonicalBytes)
        return body
    }

    public func prove(jobSeed: [UInt8], trapSeed: [UInt8], chainId: UInt32, dishonesty: Dishonesty = .honest) -> ProofEnvelope {
        let body = proveBody(jobSeed: jobSeed, trapSeed: trapSeed, dishonesty: dishonesty)
        return ProofEnvelope(type: .quantum, body: body.json, nullifier: body.nullifier(chainId: chainId))
    }
}
