/// Why a scenario was rejected, in terms a user can act on: the file, the line (when the key is
/// written in the file; `--set` overrides say so instead), the key path and what was expected.
public struct ScenarioError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    /// 1-based line of the key (or of its nearest enclosing table), if known.
    public var line: Int?
    /// Dotted key path, array elements by index: `miners.1.hashrate`.
    public var keyPath: String
    public var expected: String

    public init(file: String, line: Int?, keyPath: String, expected: String) {
        self.file = file
        self.line = line
        self.keyPath = keyPath
        self.expected = expected
    }

    public var description: String {
        let loc = line.map { "\(file):\($0)" } ?? file
        return keyPath.isEmpty ? "\(loc): \(expected)" : "\(loc): \(keyPath): \(expected)"
    }
}
