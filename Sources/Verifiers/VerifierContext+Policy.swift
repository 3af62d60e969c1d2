import MiningCore

extension VerifierContext {
    /// A context whose policy fields (`vdfModuli`, `vdfMaxT`, provider keys) come from `policy`.
    /// Provider keys that are not 32-byte lowercase hex are skipped (the policy parser validates them).
    public init(policy: Policy, chainId: UInt32 = 1337, parentHash: [UInt8] = [UInt8](repeating: 0, count: 32),
                sharesPerBlock: UInt64 = 16,
                templateLookup: @escaping @Sendable (String) -> JSONValue? = { _ in nil }) {
        func keys(_ list: [String]) -> Set<[UInt8]> {
            Set(list.compactMap { try? StrictHex.bytes($0, field: "provider", count: 32) })
        }
        self.init(
            chainId: chainId, parentHash: parentHash, vdfModuli: policy.vdfModuli,
            vdfMaxT: UInt64(clamping: policy.vdfMaxT),
            allowedProviderKeys: [.ai: keys(policy.aiProviders), .quantum: keys(policy.quantumProviders),
                                  .storage: keys(policy.storageProviders)],
            sharesPerBlock: sharesPerBlock, templateLookup: templateLookup)
    }
}
