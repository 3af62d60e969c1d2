import MiningCore

/// Strict reader for proof bodies: every key must be known and read exactly once, numbers are
/// exact non-negative integers in range, byte strings are lowercase `0x` hex of an exact length.
/// Strictness means one body has one encoding, so a mutated byte cannot slip through unnoticed.
struct StrictObject {
    let fields: [String: JSONValue]
    let path: String
    private var read: Set<String> = []

    init(_ value: JSONValue, path: String) throws(Rejection) {
        guard case .object(let o) = value else {
            throw Rejection(.wrongKind, field: path.isEmpty ? "envelope" : path, "expected a JSON object")
        }
        fields = o
        self.path = path
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    mutating func has(_ key: String) -> Bool { fields[key] != nil }

    mutating func value(_ key: String) throws(Rejection) -> JSONValue {
        guard let v = fields[key] else { throw Rejection(.missingField, field: name(key), "required field is missing") }
        read.insert(key)
        return v
    }

    mutating func hex(_ key: String, bytes: Int) throws(Rejection) -> [UInt8] {
        try Self.hex(try value(key), field: name(key), bytes: bytes)
    }

    mutating func uint(_ key: String, _ range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        try Self.uint(try value(key), field: name(key), range)
    }

    mutating func string(_ key: String) throws(Rejection) -> String {
        guard case .string(let s) = try value(key) else {
            throw Rejection(.wrongKind, field: name(key), "expected a string")
        }
        return s
    }

    mutating func array(_ key: String, count: ClosedRange<Int>) throws(Rejection) -> [JSONValue] {
        guard case .array(let a) = try value(key) else {
            throw Rejection(.wrongKind, field: name(key), "expected an array")
        }
        guard count.contains(a.count) else {
            throw Rejection(.outOfRange, field: name(key), "expected \(count.lowerBound)…\(count.upperBound) entries, got \(a.count)")
        }
        return a
    }

    /// Fails on any key that was not read (unknown fields).
    func finish() throws(Rejection) {
        for k in JSONValue.sortedKeys(fields) where !read.contains(k) {
            throw Rejection(.unknownField, field: name(k), "unknown field")
        }
    }

    static func hex(_ v: JSONValue, field: String, bytes: Int) throws(Rejection) -> [UInt8] {
        guard case .string(let s) = v else { throw Rejection(.wrongKind, field: field, "expected a 0x-hex string") }
        let u = Array(s.utf8)
        guard u.count == 2 + 2 * bytes, u[0] == 0x30, u[1] == 0x78,
              u.dropFirst(2).allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
              let out = try? Hex.decode(s, bytes: bytes)
        else { throw Rejection(.badHex, field: field, "expected 0x followed by \(2 * bytes) lowercase hex digits") }
        return out
    }

    static func uint(_ v: JSONValue, field: String, _ range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        guard case .int(let i) = v else { throw Rejection(.wrongKind, field: field, "expected an integer") }
        guard i >= 0, range.contains(UInt64(i)) else {
            throw Rejection(.outOfRange, field: field, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(i)")
        }
        return UInt64(i)
    }
}
