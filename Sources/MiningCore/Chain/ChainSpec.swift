/// A chain document together with the policy it names: everything that fixes a chain's
/// consensus. Loading reads at most two files, through the caller's `readFile` (the core does no
/// I/O), and names the file, line and key of any problem.
public struct ChainSpec: Sendable {
    public let document: ChainDocument
    public let policy: Policy

    public init(document: ChainDocument, policy: Policy) {
        self.document = document
        self.policy = policy
    }

    /// The v1.1 devnet: `devnet-chain.toml` with the built-in devnet policy.
    public static let devnet = ChainSpec(document: .devnet, policy: .devnet)

    /// Parses `text` (the contents of `file`) and loads the policy it names. A `policy` path is
    /// taken relative to the chain file's folder as written (absolute paths as they are); a
    /// missing or invalid policy file is an error at `policy`.
    public static func load(text: String, file: String,
                            readFile: (String) throws -> String) throws(ChainDocumentError) -> ChainSpec {
        let doc: ChainDocument
        do {
            doc = try ChainDocument(toml: text)
        } catch {
            var e = error
            e.file = file
            throw e
        }
        return ChainSpec(document: doc, policy: try policy(of: doc, file: file, text: text, readFile: readFile))
    }

    /// The policy `doc` names: the built-in devnet policy or the file beside `file`.
    public static func policy(of doc: ChainDocument, file: String, text: String? = nil,
                              readFile: (String) throws -> String) throws(ChainDocumentError) -> Policy {
        if doc.policy == "devnet" { return .devnet }
        let line = text.map { TOMLLineIndex($0).line(of: "policy") } ?? nil
        let path = policyPath(doc.policy, chainFile: file)
        let policyText: String
        do {
            policyText = try readFile(path)
        } catch {
            throw ChainDocumentError(file: file, keyPath: "policy", line: line,
                                     problem: "cannot read the policy file \(path): \(error)")
        }
        do {
            return try Policy(toml: policyText)
        } catch {
            throw ChainDocumentError(file: file, keyPath: "policy", line: line,
                                     problem: "the policy file \(path) is invalid: \(error)")
        }
    }

    /// `policy` relative to the folder of `chainFile` (unchanged when absolute).
    public static func policyPath(_ policy: String, chainFile: String) -> String {
        if policy.hasPrefix("/") { return policy }
        guard let slash = chainFile.lastIndex(of: "/") else { return policy }
        return String(chainFile[...slash]) + policy
    }
}
