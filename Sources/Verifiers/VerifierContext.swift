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
    /// Policy `aiProviders`, `quantumProviders`, `storageProviders`: allowed provider public keys.
    public var allowedProviderKeys: [ProofType: Set<[UInt8]>]
    /// Policy storage `challenges` per heartbeat (default 16).
    public var storageChallenges: Int
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
        self.sharesPerBlock = sharesPerBlock
        self.templateLookup = templateLookup
    }

    /// The devnet defaults of `devnet-policy.toml` (chainId 1337, `rsa2048`, vdfMaxT 10^8, no providers).
    public static var devnet: VerifierContext { VerifierContext() }
}
