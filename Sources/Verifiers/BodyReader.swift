import MiningCore

/// Strict, typed access to one JSON object of a proof body: every getter names the field in its
/// rejection, and `finish()` refuses keys nobody read, so a body has exactly the schema's fields.
///
/// Verifiers use it in the order schema → bindings → cryptography: read every field first, call
/// `finish()`, then check.
public struct BodyReader: Sendable {
    public let fields: [String: JSONValue]
    /// JSON path of this object (`body`, `body.attestation`).
    public let path: String
    private var read: Set<String> = []

    public init(_ value: JSONValue, path: String = "body") throws(Rejection) {
        guard case .object(let o) = value else {
            throw Rejection(.wrongKind, field: path, "expected a JSON object")
        }
        fields = o
        self.path = path
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The raw value of a required field.
    public mutating func value(_ key: String) throws(Rejection) -> JSONValue {
        guard let v = fields[key] else {
            throw Rejection(.missingField, field: fieldPath(key), "required field is missing")
        }
        read.insert(key)
        return v
    }

    public func has(_ key: String) -> Bool { fields[key] != nil }

    public mutating func string(_ key: String) throws(Rejection) -> String {
        guard case .string(let s) = try value(key) else {
            throw Rejection(.wrongKind, field: fieldPath(key), "expected a string")
        }
        return s
    }

    public mutating func bool(_ key: String) throws(Rejection) -> Bool {
        guard case .bool(let b) = try value(key) else {
            throw Rejection(.wrongKind, field: fieldPath(key), "expected true or false")
        }
        return b
    }

    /// A JSON integer (no fraction, no exponent) within `range`.
    public mutating func int(_ key: String, in range: ClosedRange<Int64>) throws(Rejection) -> Int64 {
        guard case .int(let i) = try value(key) else {
            throw Rejection(.wrongKind, field: fieldPath(key), "expected an integer")
        }
        guard range.contains(i) else {
            throw Rejection(.outOfRange, field: fieldPath(key), "expected \(range.lowerBound)…\(range.upperBound), got \(i)")
        }
        return i
    }

    /// A lowercase `0x` byte string, optionally of exact length.
    public mutating func hex(_ key: String, bytes count: Int? = nil) throws(Rejection) -> [UInt8] {
        try StrictHex.bytes(string(key), field: fieldPath(key), count: count)
    }

    /// A minimal big-endian hex integer, as minimal bytes.
    public mutating func bigUInt(_ key: String) throws(Rejection) -> [UInt8] {
        try StrictHex.bigUInt(string(key), field: fieldPath(key))
    }

    /// A non-negative JSON integer within `range`.
    public mutating func uint(_ key: String, _ range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        try Self.uint(value(key), field: fieldPath(key), range)
    }

    /// An array with a count in `count`.
    public mutating func array(_ key: String, count: ClosedRange<Int>) throws(Rejection) -> [JSONValue] {
        let a = try array(key)
        guard count.contains(a.count) else {
            throw Rejection(.outOfRange, field: fieldPath(key), "expected \(count.lowerBound)…\(count.upperBound) entries, got \(a.count)")
        }
        return a
    }

    /// An array element (or any value) as a lowercase `0x` byte string of exactly `bytes` bytes.
    public static func hex(_ v: JSONValue, field: String, bytes: Int) throws(Rejection) -> [UInt8] {
        guard case .string(let s) = v else { throw Rejection(.wrongKind, field: field, "expected a 0x-hex string") }
        return try StrictHex.bytes(s, field: field, count: bytes)
    }

    /// An array element (or any value) as a non-negative integer within `range`.
    public static func uint(_ v: JSONValue, field: String, _ range: ClosedRange<UInt64>) throws(Rejection) -> UInt64 {
        guard case .int(let i) = v else { throw Rejection(.wrongKind, field: field, "expected an integer") }
        guard i >= 0, range.contains(UInt64(i)) else {
            throw Rejection(.outOfRange, field: field, "expected an integer in \(range.lowerBound)…\(range.upperBound), got \(i)")
        }
        return UInt64(i)
    }

    public mutating func array(_ key: String) throws(Rejection) -> [JSONValue] {
        guard case .array(let a) = try value(key) else {
            throw Rejection(.wrongKind, field: fieldPath(key), "expected an array")
        }
        return a
    }

    /// A nested object, read with its own reader (call `finish()` on it too).
    public mutating func object(_ key: String) throws(Rejection) -> BodyReader {
        try BodyReader(value(key), path: fieldPath(key))
    }

    /// Refuses keys that no getter read.
    public func finish() throws(Rejection) {
        if let extra = JSONValue.sortedKeys(fields).first(where: { !read.contains($0) }) {
            throw Rejection(.unknownField, field: fieldPath(extra), "field is not part of the schema")
        }
    }
}
