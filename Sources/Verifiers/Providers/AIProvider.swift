import MiningCore

/// A dev AI provider that really runs the model (OpenBLAS) on a job and on trap inputs, and signs
/// the attestation with an Ed25519 dev key. Knobs make it dishonest for tests and demos.
public struct AIProvider: Sendable {
    public struct Dishonesty: Sendable, Equatable {
        /// Number of trap answers to corrupt (the first ones): lowers `traps`.
        public var wrongTraps: Int
        /// Sign with a different key than the one named in the body: `badSignature`.
        public var forgeSignature: Bool
        public init(wrongTraps: Int = 0, forgeSignature: Bool = false) {
            self.wrongTraps = wrongTraps
            self.forgeSignature = forgeSignature
        }
        public static let honest = Dishonesty()
    }

    public var key: Ed25519.PrivateKey
    public var model: AIModel
    public var batch: Int
    public var trapCount: Int
    public var latencyMsP95: UInt64
    public var successPermil: UInt64

    public init(key: Ed25519.PrivateKey, model: AIModel, batch: Int = 64, trapCount: Int = 16,
                latencyMsP95: UInt64 = 250, successPermil: UInt64 = 1000) {
        precondition(model.isExact, "model exceeds the exact-arithmetic bound")
        self.key = key
        self.model = model
        self.batch = batch
        self.trapCount = trapCount
        self.latencyMsP95 = latencyMsP95
        self.successPermil = successPermil
    }

    /// Job input rows: values in [0, 15] from `SHA3-256("animica:ai:job:v1" ‖ jobSeed ‖ u32(ctr))`.
    public func jobInput(jobSeed: [UInt8]) -> [Double] {
        var s = HashStream(domain: "animica:ai:job:v1", key: jobSeed)
        return (0..<(batch * model.layers[0])).map { _ in Double(s.next() & 0x0f) }
    }

    /// Runs the job and the traps in one batch and returns a signed body.
    public func proveBody(jobSeed: [UInt8], trapSeed: [UInt8], dishonesty: Dishonesty = .honest) -> AIProofBody {
        let n0 = model.layers[0], nk = model.layers.last!
        let job = jobInput(jobSeed: jobSeed)
        let traps = AITraps.inputs(trapSeed: trapSeed, count: trapCount, width: n0)
        let out = AIInference.run(model: model, weights: model.weights(), input: job + traps, rows: batch + trapCount)
        let jobOut = Array(out[0..<(batch * nk)])
        var answers = (0..<trapCount).map { i -> [UInt8] in
            let start = (batch + i) * nk
            return AITraps.answerDigest(out[start..<(start + nk)])
        }
        for i in 0..<min(dishonesty.wrongTraps, trapCount) {
            var row = Array(out[((batch + i) * nk)..<((batch + i + 1) * nk)])
            row[0] += 1
            answers[i] = AITraps.answerDigest(row)
        }
        let commit = SHA3_256.hash(trapSeed)
        var body = AIProofBody(
            model: model, providerKey: key.publicKey,
            inputDigest: AITraps.matrixDigest(job, rows: batch, cols: n0),
            outputDigest: AITraps.matrixDigest(jobOut, rows: batch, cols: nk),
            batch: UInt64(batch), trapSeedCommit: commit, trapSeed: trapSeed, trapAnswers: answers,
            trapRoot: AITraps.root(trapSeedCommit: commit, answers: answers),
            units: model.macsPerRow * UInt64(batch + trapCount), latencyMsP95: latencyMsP95,
            successPermil: successPermil, signature: [])
        let signer = dishonesty.forgeSignature ? Ed25519.PrivateKey(devName: "forger") : key
        body.signature = signer.sign(body.attestation.canonicalBytes)
        return body
    }

    public func prove(jobSeed: [UInt8], trapSeed: [UInt8], chainId: UInt32, dishonesty: Dishonesty = .honest) -> ProofEnvelope {
        let body = proveBody(jobSeed: jobSeed, trapSeed: trapSeed, dishonesty: dishonesty)
        return ProofEnvelope(type: .ai, body: body.json, nullifier: body.nullifier(chainId: chainId))
    }
}
