import MiningCore
import Verifiers

/// A local source of useful proofs for the next block (VDF, AI, storage, quantum workers).
/// The node asks every provider once per new head; a provider may take time (it runs off the
/// node's actor) and returns the envelopes it produced for that parent.
public protocol ProofProvider: Sendable {
    /// The proof type it produces (for logs and `--proofs`).
    var type: ProofType { get }
    /// Proofs for a block whose parent is `parent`.
    func proofs(parent: BlockRecord, config: ChainConfig) async throws -> [ProofEnvelope]
}

/// The mining-bonus VDF (spec §8): Wesolowski over RSA-2048 with `g = H2G(parentHash)`, so the
/// proof is bound to the parent and cannot be precomputed or reused on another block.
public struct VDFProofProvider: ProofProvider {
    /// Squarings. Small on the devnet (2^12) so a proof takes milliseconds; must be in
    /// `[256, vdfMaxT]`.
    public var T: UInt64
    public var type: ProofType { .vdf }

    public init(T: UInt64 = 1 << 12) { self.T = T }

    public func proofs(parent: BlockRecord, config: ChainConfig) async throws -> [ProofEnvelope] {
        let proof = VDFProof.prove(seed: parent.hash, T: T, modulus: VDFModuli.rsa2048)
        return [proof.envelope(chainId: config.chainId)]
    }
}
