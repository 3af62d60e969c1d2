extension Policy {
    /// Parses and validates a policy written as JSON (the same tree as the TOML document).
    ///
    /// Uses `StrictJSON` rather than `JSONDecoder`: Foundation decodes `1.0` as the integer 1, but
    /// a float in a policy must be rejected (§7), and it would hash differently from the integer.
    public init(json text: String) throws(PolicyError) {
        let tree: JSONValue
        do {
            tree = try StrictJSON.parse(text)
        } catch {
            throw PolicyError(keyPath: "", line: error.line, reason: .syntax(error.message))
        }
        try self.init(tree: tree)
    }
}
