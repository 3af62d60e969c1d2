/// The built-in v1.1 devnet chain: a byte-identical copy of `docs/spec/devnet-chain.toml` (a test
/// compares the two), so `simctl mine` and scenarios work without a chain file.
extension ChainDocument {
    /// The devnet chain document text, byte for byte.
    public static let devnetTOML: String = """
# PoIES v1.1 devnet chain (chainId 1337). Integers and strings only. policyRoots.algPolicy of every
# header = SHA3-256(canonical JSON of this document) -- see POIES-v1.md section 6.3.
version = 1
chainId = 1337
genesisTimeMs = 1735689600000
targetBlockMs = 2000
thetaMicro0 = 2000000
thetaMinMicro = 1000000
thetaMaxMicro = 64000000
policy = "devnet"

[retarget]
rule = "asert-v1"
halfLifeMs = 48000

"""

    /// The parsed devnet chain document; its root is 0xdd6d1426…eec77418 (spec §6.3).
    public static let devnet: ChainDocument = {
        do { return try ChainDocument(toml: devnetTOML) } catch { fatalError("built-in devnet chain is invalid: \(error)") }
    }()
}
