import ArgumentParser
import MiningCore

/// `simctl inspect chain`: validate a chain document and print its root and canonical tree.
struct InspectChain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chain",
        abstract: "Validate a chain document and print its root (policyRoots.algPolicy, spec §6.3).",
        discussion: """
            Prints {"root":"0x…","chain":{…}} where root = SHA3-256 of the document's canonical JSON \
            exactly as written (sorted keys, compact, UTF-8; no defaults added). The policy file the \
            document names (relative to the chain file's folder) is loaded and validated too. Errors \
            name the file, line and key path. 'devnet' is the built-in v1.1 devnet chain \
            (docs/spec/devnet-chain.toml).
            """)

    @Argument(help: "Chain document TOML file, or 'devnet' (the default).")
    var file: String = "devnet"

    func run() throws {
        let spec: ChainSpec
        do { spec = try ChainFile.load(file) } catch { throw CLI.fail("chain", "\(error)") }
        CLI.printJSON(["root": .string(Hex.encode(spec.document.root)), "chain": spec.document.tree])
    }
}
