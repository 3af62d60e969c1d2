import Foundation
import MiningCore
import Verifiers

/// Per-parent seeds for the dev providers: `SHA3-256("animica:devnet:<what>:v1" ‖ parentHash)`,
/// so each block gets fresh work (and a fresh nullifier) that no earlier block could carry.
enum DevSeeds {
    static func seed(_ what: String, _ parent: ProofParent) -> [UInt8] {
        SHA3_256.hash(parts: [Array("animica:devnet:\(what):v1".utf8), parent.hash])
    }
}

/// The dev AI provider (real OpenBLAS inference on a seeded integer MLP, trap rows recomputed
/// by the verifier), with a job and traps derived from the parent hash.
///
/// Sized by multiply-adds: ψ_AI = units = MACs / 2^20 nats at full quality (spec §4, kAI 1), so the
/// default 3·2^20 MACs (4096 rows of the 768-MAC dev MLP, well under a millisecond of BLAS and
/// ~10 ms of input hashing) credits 3 nats — e^3 ≈ 20× less hash work per block.
public struct AIProofProvider: ProofProvider {
    public var provider: AIProvider
    public var type: ProofType { .ai }

    /// Default job size in multiply-adds (job rows + trap rows).
    public static let defaultMacs: UInt64 = 3 << 20
    public static let devModel = AIModel(modelId: "dev-mlp", seed: SHA3_256.hash(Array("model".utf8)), layers: [16, 32, 8])

    public init(provider: AIProvider) {
        self.provider = provider
    }

    /// A provider whose jobs carry about `macs` multiply-adds (rounded up to whole rows, at least
    /// one job row besides the traps).
    /// `keyName` names the provider's dev key (its nullifiers differ per key, so an external
    /// miner's proofs never collide with the node's).
    public init(macs: UInt64 = AIProofProvider.defaultMacs, keyName: String = "ai-provider") {
        let traps = 16
        let rows = (macs + Self.devModel.macsPerRow - 1) / Self.devModel.macsPerRow
        let batch = max(1, Int(min(rows, 1 << 24)) - traps)
        self.provider = AIProvider(key: Ed25519.PrivateKey(devName: keyName), model: Self.devModel, batch: batch, trapCount: traps)
    }

    public func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
        [provider.prove(jobSeed: DevSeeds.seed("ai-job", parent), trapSeed: DevSeeds.seed("ai-traps", parent),
                        chainId: parent.chainId)]
    }
}

/// The dev QPU (reversible trap circuits run classically with readout noise).
public struct QuantumProofProvider: ProofProvider {
    public var qpu: QuantumDevQPU
    public var type: ProofType { .quantum }

    public init(qpu: QuantumDevQPU) {
        self.qpu = qpu
    }

    /// A dev QPU taking `shots` samples per circuit (ψ grows with log1p(shots); time with shots).
    public init(shots: UInt64 = 1024, keyName: String = "quantum-provider") {
        self.qpu = QuantumDevQPU(key: Ed25519.PrivateKey(devName: keyName), shots: shots)
    }

    public func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
        [qpu.prove(jobSeed: DevSeeds.seed("quantum-job", parent), trapSeed: DevSeeds.seed("quantum-traps", parent),
                   chainId: parent.chainId)]
    }
}

/// The dev storage provider: a real sector file (`sector.bin` under the data directory),
/// answering the heartbeat challenges of each new block (epoch = the block's height).
public struct StorageProofProvider: ProofProvider {
    public let provider: StorageProvider
    public var type: ProofType { .storage }

    /// Opens `path`, creating a sector of `leafCount` 4 KiB leaves if it does not exist yet.
    public init(path: String, leafCount: Int = 256, key: Ed25519.PrivateKey = Ed25519.PrivateKey(devName: "storage-provider")) throws {
        if FileManager.default.fileExists(atPath: path) {
            provider = try StorageProvider.load(key: key, path: path)
        } else {
            provider = try StorageProvider.create(key: key, path: path, leafCount: leafCount, dataSeed: 1)
        }
    }

    public func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
        [try provider.prove(parentHash: parent.hash, epoch: parent.height + 1, challenges: 16, chainId: parent.chainId)]
    }
}
