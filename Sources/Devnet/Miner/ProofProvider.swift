import MiningCore
import Verifiers

/// The block a proof is made for the child of: what providers bind their work to.
public struct ProofParent: Sendable, Equatable {
    public var hash: [UInt8]
    public var height: UInt64
    public var chainId: UInt32

    public init(hash: [UInt8], height: UInt64, chainId: UInt32) {
        self.hash = hash
        self.height = height
        self.chainId = chainId
    }

    /// The parent of the node's next block.
    public init(_ record: BlockRecord, chainId: UInt32) { self.init(hash: record.hash, height: record.height, chainId: chainId) }

    /// The parent of a job's block, as an external miner sees it.
    public init(template t: HeaderTemplate) { self.init(hash: t.parentHash, height: t.height &- 1, chainId: t.chainId) }
}

/// A source of useful proofs for the next block (VDF, AI, storage, quantum workers): the node's
/// own, or an external miner's (`simctl mine --connect … --proofs …`), the same code for both.
/// It is asked once per new head; it may take time (it runs off the node's actor) and returns
/// the envelopes it produced for that parent.
public protocol ProofProvider: Sendable {
    /// The proof type it produces (for logs and `--proofs`).
    var type: ProofType { get }
    /// Proofs for a block whose parent is `parent`.
    func proofs(for parent: ProofParent) async throws -> [ProofEnvelope]
}

/// The mining-bonus VDF (spec §8): Wesolowski over RSA-2048 with `g = H2G(parentHash)`, so the
/// proof is bound to the parent and cannot be precomputed or reused on another block.
public struct VDFProofProvider: ProofProvider {
    /// Squarings. Small on the devnet (2^12) so a proof takes milliseconds; must be in
    /// `[256, vdfMaxT]`.
    public var T: UInt64
    public var type: ProofType { .vdf }

    public init(T: UInt64 = 1 << 12) { self.T = T }

    public func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
        let proof = VDFProof.prove(seed: parent.hash, T: T, modulus: VDFModuli.rsa2048)
        return [proof.envelope(chainId: parent.chainId)]
    }
}
