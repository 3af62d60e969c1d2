import OrderedCollections
import TOMLKit
import MiningCore

/// A scenario's TOML as a plain value tree, so `--set` overrides can edit it before validation
/// and the validator can walk it with key paths.
public indirect enum TOMLTree: Sendable, Equatable {
    case table(OrderedDictionary<String, TOMLTree>)
    case array([TOMLTree])
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    /// Dates and times: kept only to be rejected with a clear message.
    case other(String)

    var typeName: String {
        switch self {
        case .table: return "a table"
        case .array: return "an array"
        case .int: return "an integer"
        case .double: return "a float"
        case .string: return "a string"
        case .bool: return "a boolean"
        case .other(let t): return "a TOML \(t)"
        }
    }

    init(_ v: any TOMLValueConvertible) {
        if let t = v.table {
            var d = OrderedDictionary<String, TOMLTree>()
            for k in t.keys { if let x = t[k] { d[k] = TOMLTree(x) } }
            self = .table(d)
        } else if let a = v.array {
            self = .array(a.map { TOMLTree($0) })
        } else if let i = v.int {
            self = .int(i)
        } else if let x = v.double {
            self = .double(x)
        } else if let s = v.string {
            self = .string(s)
        } else if let b = v.bool {
            self = .bool(b)
        } else {
            self = .other("\(v.type)")
        }
    }

    /// As MiningCore's JSON value (for configuration readers that take JSON trees).
    var json: JSONValue {
        switch self {
        case .table(let d): return .object(Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value.json) }))
        case .array(let a): return .array(a.map(\.json))
        case .int(let i): return .int(Int64(i))
        case .double(let x): return .double(x)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .other(let s): return .string(s)
        }
    }

    /// Parses a TOML document; a syntax error becomes a `ScenarioError` with its line.
    static func parse(_ text: String, file: String) throws(ScenarioError) -> TOMLTree {
        if let bad = TOMLHeaderGuard.firstBadHeader(text) {
            throw ScenarioError(file: file, line: bad.line, keyPath: "", expected: "TOML syntax error: \(bad.problem)")
        }
        do {
            return TOMLTree(try TOMLTable(string: text))
        } catch let e as TOMLParseError {
            throw ScenarioError(file: file, line: e.source.begin.line, keyPath: "", expected: "TOML syntax error: \(e.description)")
        } catch {
            throw ScenarioError(file: file, line: nil, keyPath: "", expected: "not a TOML document (\(error))")
        }
    }

    /// Parses an override's right-hand side as a TOML value (`3`, `2.5`, `"ema"`, `[1, 2]`,
    /// `{ dist = "uniform", min = 0, max = 1 }`); anything that is not valid TOML is a bare string.
    static func parseValue(_ text: String) -> TOMLTree {
        let document = "v = \(text)"
        if TOMLHeaderGuard.firstBadHeader(document) == nil, let t = try? TOMLTable(string: document), let v = t["v"] { return TOMLTree(v) }
        return .string(text)
    }
}

/// One `--set key.path=value` override, applied to the parsed tree before validation.
///
/// Path segments are table keys; an array element is named by its index (`miners.0.hashrate`) or,
/// for arrays of tables with a `name`, by that name (`miners.pool.hashrate`). Missing tables on the
/// way are created, so `--set chain.retarget.halfLife=48` works on a file without that table.
public struct ScenarioOverride: Sendable, Equatable {
    public var keyPath: [String]
    public var value: TOMLTree

    public init(keyPath: [String], value: TOMLTree) {
        self.keyPath = keyPath
        self.value = value
    }

    /// Parses `key.path=value`.
    public init(parsing s: String) throws(ScenarioError) {
        guard let eq = s.firstIndex(of: "=") else {
            throw ScenarioError(file: "--set", line: nil, keyPath: s, expected: "an override of the form key.path=value")
        }
        let path = s[..<eq].trimmingCharacters(in: .whitespaces)
        let segs = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segs.contains(where: \.isEmpty) else {
            throw ScenarioError(file: "--set", line: nil, keyPath: String(path), expected: "a dotted key path such as chain.thetaMicro0")
        }
        keyPath = segs
        value = TOMLTree.parseValue(s[s.index(after: eq)...].trimmingCharacters(in: .whitespaces))
    }

    func apply(to tree: inout TOMLTree) throws(ScenarioError) {
        try Self.set(&tree, keyPath[...], value, done: [])
    }

    private static func set(_ node: inout TOMLTree, _ path: ArraySlice<String>, _ value: TOMLTree, done: [String]) throws(ScenarioError) {
        guard let head = path.first else { node = value; return }
        let here = (done + [head]).joined(separator: ".")
        switch node {
        case .table(var d):
            var child = d[head] ?? .table([:])
            node = .table([:])  // release the copy so the edit is in place
            try set(&child, path.dropFirst(), value, done: done + [head])
            d[head] = child
            node = .table(d)
        case .array(var a):
            let idx: Int? = Int(head).flatMap { $0 >= 0 && $0 < a.count ? $0 : nil }
                ?? a.firstIndex { if case .table(let t) = $0, case .string(let n)? = t["name"] { return n == head } else { return false } }
            guard let i = idx else {
                throw ScenarioError(file: "--set", line: nil, keyPath: here,
                                    expected: "an index below \(a.count) or the name of an element")
            }
            node = .array([])
            try set(&a[i], path.dropFirst(), value, done: done + [head])
            node = .array(a)
        default:
            throw ScenarioError(file: "--set", line: nil, keyPath: done.joined(separator: "."),
                                expected: "a table to hold '\(head)', found \(node.typeName)")
        }
    }
}

import Foundation
