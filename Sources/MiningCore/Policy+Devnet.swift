/// The built-in devnet policy (spec §7): a byte-identical copy of `docs/spec/devnet-policy.toml`
/// (a test compares the two), so tools work without a policy file.
extension Policy {
    /// The devnet policy text, byte for byte.
    public static let devnetTOML: String = """
# PoIES v1 devnet policy (chainId 1337). Integers only: fractions are ppm, alpha is 1e9 fixed point.
# poiesPolicyRoot = SHA3-256(canonical JSON of this document) -- see POIES-v1.md section 7.
version = 1
gammaCapMicro = 8000000
escortQPpm = 150000
nullifierTTL = 8192
vdfItersPerSecond = 1000000
vdfMaxT = 100000000
vdfModuli = ["rsa2048"]
aiProviders = []
quantumProviders = []
storageProviders = []

[types.HASHSHARE]
perProofCap = 5000000
perTypeCap = 5000000
maxProofs = 64
alpha = 1000000000
kPpm = 250000

[types.AI]
perProofCap = 4000000
perTypeCap = 4000000
maxProofs = 16
alpha = 1000000000
kPpm = 1000000
trapsLowPpm = 600000
trapsHighPpm = 850000

[types.QUANTUM]
perProofCap = 3000000
perTypeCap = 3000000
maxProofs = 8
alpha = 1000000000
kPpm = 1500000
trapsLowPpm = 650000
trapsHighPpm = 900000

[types.STORAGE]
perProofCap = 1000000
perTypeCap = 1000000
maxProofs = 16
alpha = 1000000000
kPpm = 20000
availExpPpm = 1200000
retrievalBonusPpm = 250000

[types.VDF]
perProofCap = 500000
perTypeCap = 500000
maxProofs = 1
alpha = 1000000000
kPpm = 50000

"""

    /// The parsed devnet policy; its root is 0x12e2961c…0e9110a.
    public static let devnet: Policy = {
        do { return try Policy(toml: devnetTOML) } catch { fatalError("built-in devnet policy is invalid: \(error)") }
    }()
}
