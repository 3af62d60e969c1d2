/// Maps key paths to the line they are written on, by scanning the TOML text.
///
/// TOMLKit does not expose node positions, so this reads table headers (`[a.b]`, `[[a]]` with
/// their element index) and `key = …` lines. Keys inside inline tables report the line of the
/// enclosing key, which still points the user at the right place.
struct LineMap {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var prefix: [String] = []
        var arrayCounts: [String: Int] = [:]
        var lineNo = 0
        var depth = 0  // open [ or { brackets of a multi-line value
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if depth > 0 {
                depth += Self.bracketBalance(line)
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.keyPath(line.dropFirst(2).prefix { $0 != "]" })
                let key = name.joined(separator: ".")
                let idx = arrayCounts[key, default: 0]
                arrayCounts[key] = idx + 1
                prefix = name + [String(idx)]
                lines[prefix.joined(separator: "."), default: lineNo] = lineNo
                lines[key, default: lineNo] = lineNo
                continue
            }
            if line.hasPrefix("[") {
                prefix = Self.keyPath(line.dropFirst().prefix { $0 != "]" })
                lines[prefix.joined(separator: "."), default: lineNo] = lineNo
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = prefix + Self.keyPath(line[..<eq])
            lines[key.joined(separator: "."), default: lineNo] = lineNo
            depth = max(0, Self.bracketBalance(String(line[line.index(after: eq)...])))
        }
    }

    /// The line of `path`, or of its longest prefix that is written in the file.
    func line(of path: [String]) -> Int? {
        var p = path
        while !p.isEmpty {
            if let l = lines[p.joined(separator: ".")] { return l }
            p.removeLast()
        }
        return nil
    }

    private static func keyPath<S: StringProtocol>(_ s: S) -> [String] {
        s.split(separator: ".").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
    }

    /// Net open brackets on a line, ignoring those in strings and comments (for multi-line arrays).
    private static func bracketBalance(_ s: String) -> Int {
        var n = 0
        var quote: Character? = nil
        for c in s {
            if let q = quote { if c == q { quote = nil }; continue }
            switch c {
            case "\"", "'": quote = c
            case "#": return n
            case "[", "{": n += 1
            case "]", "}": n -= 1
            default: break
            }
        }
        return n
    }
}

import Foundation
