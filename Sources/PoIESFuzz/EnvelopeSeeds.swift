import Foundation
import MiningCore
import Verifiers

/// Writes one valid envelope per proof type (made by the dev providers, so every proof is real)
/// as the `envelope` target's seed corpus: `PoIESFuzz seeds Tests/Fuzz/Corpus/envelope`.
/// Seeds must verify under ``EnvelopeFuzz/context``; this checks that before writing.
enum EnvelopeSeeds {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func seed(_ s: String) -> [UInt8] { SHA3_256.hash(Array(s.utf8)) }

    static func envelopes(storageDir: String) throws -> [(String, ProofEnvelope)] {
        let template = EnvelopeFuzz.job.template
        let hashShare = HashShareProof.envelope(template: template, nonce: Nonce(extranonce1: 1, extranonce2: 2, counter: 42), chainId: 1337)
        let vdf = VDFProof.prove(seed: seed("fuzz vdf"), T: 300, modulus: VDFModuli.rsa2048).envelope(chainId: 1337)
        let model = AIModel(modelId: "dev-mlp", seed: seed("model"), layers: [16, 32, 8])
        let ai = AIProvider(key: Ed25519.PrivateKey(devName: "ai-provider"), model: model, batch: 8, trapCount: 4)
            .prove(jobSeed: seed("job"), trapSeed: seed("traps"), chainId: 1337)
        let quantum = QuantumDevQPU(key: Ed25519.PrivateKey(devName: "qpu"), width: 4, depth: 16, shots: 64, trapCount: 4)
            .prove(jobSeed: seed("job"), trapSeed: seed("traps"), chainId: 1337)
        let sector = URL(fileURLWithPath: storageDir).appendingPathComponent("sector.bin").path
        let storage = try StorageProvider.create(key: Ed25519.PrivateKey(devName: "storage"), path: sector, leafCount: 5, dataSeed: 7)
            .prove(parentHash: EnvelopeFuzz.parentHash, epoch: EnvelopeFuzz.storageEpoch, challenges: 2, chainId: 1337,
                   ticketClients: [Ed25519.PrivateKey(devName: "client 0")])
        return [("hashshare", hashShare), ("vdf", vdf), ("ai", ai), ("quantum", quantum), ("storage", storage)]
    }

    static func write(to dir: String) throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("poies-fuzz-seeds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, envelope) in try envelopes(storageDir: tmp) {
            let bytes = envelope.json.canonicalBytes
            if case .failure(let r) = Verifiers.verify(jsonText: Data(bytes), EnvelopeFuzz.context) {
                throw Failure(description: "the \(name) seed does not verify: \(r)")
            }
            try Data(bytes).write(to: URL(fileURLWithPath: dir).appendingPathComponent("valid-\(name).json"))
        }
    }
}
