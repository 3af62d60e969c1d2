import MiningCore

/// What the chain tells the AI/quantum/storage verifiers: everything a verifier may depend on
/// besides the proof itself (verifiers read no clock, file or network).
public struct UsefulVerifierContext: Sendable, Equatable {
    /// Chain id bound into every nullifier (devnet 1337).
    public var chainId: UInt32
    /// The parent block's hash: seeds the storage challenges.
    public var parentHash: [UInt8]
    /// The storage epoch a heartbeat must answer (a different epoch is stale).
    public var storageEpoch: UInt64
    /// Storage challenges per heartbeat (policy; default 16).
    public var storageChallenges: Int
    /// Allowed provider public keys per type (policy `aiProviders`, …). A missing or empty list
    /// admits any key — the devnet default.
    public var allowedProviderKeys: [ProofType: [[UInt8]]]
    /// Quantum `units = depth · width · log1p(shots) · quantumUnitsScale` (default 10^-3).
    public var quantumUnitsScale: Double

    public init(chainId: UInt32 = 1337, parentHash: [UInt8] = [UInt8](repeating: 0, count: 32),
                storageEpoch: UInt64 = 0, storageChallenges: Int = 16,
                allowedProviderKeys: [ProofType: [[UInt8]]] = [:], quantumUnitsScale: Double = 0.001) {
        self.chainId = chainId
        self.parentHash = parentHash
        self.storageEpoch = storageEpoch
        self.storageChallenges = storageChallenges
        self.allowedProviderKeys = allowedProviderKeys
        self.quantumUnitsScale = quantumUnitsScale
    }

    /// Policy check shared by the three verifiers.
    func checkKeyAllowed(_ key: [UInt8], for type: ProofType) throws(UsefulRejection) {
        guard let list = allowedProviderKeys[type], !list.isEmpty else { return }
        guard list.contains(key) else {
            throw UsefulRejection(.keyNotAllowed, "body.providerKey",
                                  "key \(Hex.encode(key)) is not in the policy's \(type.nullifierName)Providers list")
        }
    }
}
