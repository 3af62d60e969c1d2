import MiningCore
import PoIESSim

/// The three TOML readers (policy, chain document, scenario) on arbitrary UTF-8 text: each
/// returns a value or its typed error, never traps. An accepted chain document also re-reads
/// from its own canonical JSON to the same document (that JSON is what its root hashes).
///
/// TOMLKit's C++ parser (toml++) is not coverage-instrumented (`-Xswiftc` reaches Swift only),
/// so coverage guides the fuzzer through the Swift side: tree conversion and validation.
enum TOMLFuzz {
    /// Scenario policy/chain paths resolve next to this file, which does not exist, so relative
    /// references fail fast instead of reading the working directory.
    static let scenarioFile = "/nonexistent-poies-fuzz/scenario.toml"

    static func run(_ input: [UInt8], reader: FuzzTarget) {
        guard let text = String(validating: input, as: UTF8.self) else { return }
        switch reader {
        case .policy:
            _ = try? Policy(toml: text)
        case .chain:
            guard let doc = try? ChainDocument(toml: text) else { return }
            guard let tree = try? StrictJSON.parse(doc.canonicalJSON) else {
                preconditionFailure("canonical JSON of an accepted chain document does not parse")
            }
            guard let again = try? ChainDocument(tree: tree) else {
                preconditionFailure("an accepted chain document's canonical JSON is refused: \(doc.canonicalJSON)")
            }
            precondition(again.canonicalJSON == doc.canonicalJSON, "canonical JSON is not a fixed point: \(doc.canonicalJSON)")
        case .scenario:
            // A scenario may name a policy or chain file by absolute path; device files would
            // block or never end, which is not a parser bug.
            for device in ["/dev/", "/proc/", "/sys/"] where text.contains(device) { return }
            _ = try? Scenario.parse(toml: text, file: scenarioFile)
        default:
            preconditionFailure("not a TOML target: \(reader)")
        }
    }
}
