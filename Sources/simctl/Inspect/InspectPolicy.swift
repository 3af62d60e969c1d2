import ArgumentParser
import MiningCore

/// `simctl inspect policy`: validate a policy and print its root and canonical tree.
struct InspectPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate a policy and print poiesPolicyRoot and its canonical JSON (spec §7).",
        discussion: """
            Prints {"root":"0x…","policy":{…}} where root = SHA3-256 of the canonical JSON \
            (sorted keys, compact, UTF-8). A file ending in .json is read as JSON, else as TOML. \
            Errors name the file, line and key path.
            """)

    @Argument(help: "Policy TOML or JSON file, or 'devnet' (the default).")
    var file: String = "devnet"

    func run() throws {
        let p = try ProofInputs.loadPolicy(file, field: "policy")
        CLI.printJSON(["root": .string(Hex.encode(p.root)), "policy": p.tree])
    }
}
