import MiningCore

/// What a verifier may know besides the envelope: the chain, the parent block and the policy values
/// the checks need. A plain value (no dependency on the Policy type) so verifiers stay pure and
/// tests can build one in a line.
public struct VerifierContext: Sendable {
    /// `u32(chainId)` in every nullifier (devnet 1337).
    public var chainId: UInt32
    /// Hash of the parent block (32 bytes); the VDF seed for the mining bonus, the storage challenge input.
    public var parentHash: [UInt8]
    /// Policy `vdfModuli`: names of the moduli a VDF may use (`rsa2048`; see ``VDFModuli``).
    public var vdfModuli: [String]
    /// Policy `vdfMaxT`: the largest accepted number of squarings.
    public var vdfMaxT: UInt64
    /// When true, a VDF's `g` must equal `H2G(parentHash, N)` (the mining-bonus binding). Off by
    /// default: spec section 8 lists the checks without it, and the vectors use free seeds.
    public var vdfRequireParentSeed: Bool
    /// Policy `aiProviders`, `quantumProviders`, `storageProviders`: allowed provider public keys
    /// (raw Ed25519 keys). A missing or empty set admits any key (the devnet default).
    public var allowedProviderKeys: [ProofType: Set<[UInt8]>]
    /// Policy storage `challenges` per heartbeat (default 16).
    public var storageChallenges: Int
    /// The storage epoch a heartbeat must answer (another epoch is stale).
    public var storageEpoch: UInt64
    /// Quantum `units = depth · width · log1p(shots) · quantumUnitsScale` (default 10^-3).
    public var quantumUnitsScale: Double
    /// `K` of `tShare(Θ, K)`: expected hash shares per block.
    public var sharesPerBlock: UInt64
    /// Looks a header template (its JSON, spec section 2) up by `extra.templateId`; `nil` if unknown.
    public var templateLookup: @Sendable (String) -> JSONValue?

    public init(
        chainId: UInt32 = 1337,
        parentHash: [UInt8] = [UInt8](repeating: 0, count: 32),
        vdfModuli: [String] = ["rsa2048"],
        vdfMaxT: UInt64 = 100_000_000,
        vdfRequireParentSeed: Bool = false,
        allowedProviderKeys: [ProofType: Set<[UInt8]>] = [:],
        storageChallenges: Int = 16,
        storageEpoch: UInt64 = 0,
        quantumUnitsScale: Double = 0.001,
        sharesPerBlock: UInt64 = 16,
        templateLookup: @escaping @Sendable (String) -> JSONValue? = { _ in nil }
    ) {
        self.chainId = chainId
        self.parentHash = parentHash
        self.vdfModuli = vdfModuli
        self.vdfMaxT = vdfMaxT
        self.vdfRequireParentSeed = vdfRequireParentSeed
        self.allowedProviderKeys = allowedProviderKeys
        self.storageChallenges = storageChallenges
        self.storageEpoch = storageEpoch
        self.quantumUnitsScale = quantumUnitsScale
        self.sharesPerBlock = sharesPerBlock
        self.templateLookup = templateLookup
    }

    /// Whether `key` may sign proofs of `type` (an empty or missing list admits any key).
    public func allowsProviderKey(_ key: [UInt8], for type: ProofType) -> Bool {
        guard let allowed = allowedProviderKeys[type], !allowed.isEmpty else { return true }
        return allowed.contains(key)
    }

    /// The devnet defaults of `devnet-policy.toml` (chainId 1337, `rsa2048`, vdfMaxT 10^8, no providers).
    public static var devnet: VerifierContext { VerifierContext() }
}
