import TOMLKit

extension Policy {
    /// Parses and validates a policy from TOML text (no file access: the caller reads the file).
    ///
    /// Errors name the key path and the line it is written on (TOMLKit's tree has no source
    /// positions, so `TOMLLineIndex` finds the line by scanning the text for the key in its table).
    public init(toml text: String) throws(PolicyError) {
        let (tree, index) = try Self.tomlTree(text)
        try self.init(tree: tree, locate: index.line(of:))
    }

    /// TOML text as a JSON tree plus the line of every key: the front end shared by the policy
    /// and by ``SelectionOverlay`` (both then validate the tree with ``TreeReader``).
    static func tomlTree(_ text: String) throws(PolicyError) -> (tree: JSONValue, index: TOMLLineIndex) {
        let index = TOMLLineIndex(text)
        if let bad = TOMLHeaderGuard.firstBadHeader(text) {
            throw PolicyError(keyPath: "", line: bad.line, reason: .syntax(bad.problem))
        }
        do {
            let table = try TOMLTable(string: text)
            return (try Self.jsonTree(table, path: "", index: index), index)
        } catch let e as PolicyError {
            throw e
        } catch let e as TOMLParseError {
            throw PolicyError(keyPath: "", line: e.source.begin.line, reason: .syntax(e.description))
        } catch {
            throw PolicyError(keyPath: "", reason: .syntax("\(error)"))
        }
    }

    /// The TOML tree as JSON, integers exact. Floats are kept (as `.double`) so validation can
    /// name their key; dates and times have no JSON form and are rejected here.
    static func jsonTree(_ value: any TOMLValueConvertible, path: String, index: TOMLLineIndex) throws(PolicyError) -> JSONValue {
        switch value.type {
        case .table:
            let table = value.table!
            var out: [String: JSONValue] = [:]
            for key in table.keys {
                out[key] = try jsonTree(table[key]!, path: path.isEmpty ? key : "\(path).\(key)", index: index)
            }
            return .object(out)
        case .array:
            let array = value.array!
            var out: [JSONValue] = []
            for (i, element) in array.enumerated() {
                out.append(try jsonTree(element, path: "\(path)[\(i)]", index: index))
            }
            return .array(out)
        case .string: return .string(value.string!)
        case .int: return .int(Int64(value.int!))
        case .double: return .double(value.double!)
        case .bool: return .bool(value.bool!)
        case .date, .time, .dateTime:
            throw PolicyError(keyPath: path, line: index.line(of: path),
                              reason: .wrongType(expected: "an integer, string or array", found: value.type.description))
        }
    }
}

/// Where each key of a TOML document is written: `[a.b]` headers and `key = …` lines, by their
/// full dotted path. Good enough for policy files (no multi-line strings hold `key = value` text).
struct TOMLLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let inner = line.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = Self.keyParts(inner)
                // `[a.b]` also defines `a` (implicitly) on this line unless it was written earlier.
                for n in 1...max(1, table.count) { record(table.prefix(n).joined(separator: "."), number) }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = Self.keyParts(line[..<eq])
            guard !key.isEmpty, key.allSatisfy({ !$0.isEmpty }) else { continue }
            record((table + key).joined(separator: "."), number)
        }
    }

    private mutating func record(_ path: String, _ line: Int) {
        if lines[path] == nil { lines[path] = line }
    }

    /// Splits `a . "b" .c` into `["a", "b", "c"]`.
    private static func keyParts(_ s: Substring) -> [String] {
        s.split(separator: ".").map { part in
            var p = part.trimmingWhitespace()
            if p.count >= 2, let f = p.first, f == "\"" || f == "'", p.last == f { p = p.dropFirst().dropLast() }
            return String(p)
        }
    }

    /// The line of `path` (array indices ignored), else of its nearest enclosing key or table.
    func line(of path: String) -> Int? {
        var parts = path.split(separator: ".").map { part -> String in
            String(part.prefix(while: { $0 != "[" }))
        }
        while !parts.isEmpty {
            if let l = lines[parts.joined(separator: ".")] { return l }
            parts.removeLast()
        }
        return nil
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return s
    }
}
