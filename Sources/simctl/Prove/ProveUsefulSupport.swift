import MiningCore

/// Shared parsing for `prove ai|quantum|storage`: seeds are free text (any label you like),
/// turned into 32 bytes as SHA3-256 of their UTF-8, so runs are reproducible from short names.
enum ProveUseful {
    static func seed(_ text: String) -> [UInt8] { SHA3_256.hash(Array(text.utf8)) }

    static func hash32(_ text: String, field: String) throws -> [UInt8] {
        let u = Array(text.utf8)
        guard u.count == 66, text.hasPrefix("0x"),
              u.dropFirst(2).allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
              let b = try? Hex.decode(text, bytes: 32)
        else { throw CLI.fail(field, "expected 0x followed by 64 lowercase hex digits") }
        return b
    }

    static func range<T: Comparable>(_ v: T, _ r: ClosedRange<T>, field: String) throws {
        guard r.contains(v) else { throw CLI.fail(field, "expected a value in \(r.lowerBound) … \(r.upperBound), got \(v)") }
    }
}
