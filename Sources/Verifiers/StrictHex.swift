import MiningCore

/// The wire's hex rules, enforced strictly so that one value has exactly one encoding (a proof's
/// canonical body feeds `proofsRoot`, so `0xAB` and `0xab` must not both be accepted).
///
/// Byte strings: `0x` + lowercase digits, even length. Big integers: minimal big-endian
/// (`0x0` for zero, otherwise no leading zero digit), lowercase.
public enum StrictHex {
    /// Decodes a lowercase `0x` byte string, optionally of an exact length.
    public static func bytes(_ text: String, field: String, count: Int? = nil) throws(Rejection) -> [UInt8] {
        let u = Array(text.utf8)
        guard u.count >= 2, u[0] == 0x30, u[1] == 0x78 else {
            throw Rejection(.badHex, field: field, "expected 0x-prefixed lowercase hex")
        }
        let digits = u.count - 2
        guard digits % 2 == 0 else {
            throw Rejection(.badHex, field: field, "expected an even number of hex digits, got \(digits)")
        }
        if let n = count, digits != 2 * n {
            throw Rejection(.badHex, field: field, "expected \(n) bytes (\(2 * n) hex digits), got \(digits) digits")
        }
        var out = [UInt8]()
        out.reserveCapacity(digits / 2)
        var i = 2
        while i < u.count {
            out.append(try nibble(u[i], field) << 4 | nibble(u[i + 1], field))
            i += 2
        }
        return out
    }

    /// Decodes a minimal big-endian big integer (`0x0`, `0x1f`, never `0x01f`) into minimal bytes
    /// (zero is the empty array).
    public static func bigUInt(_ text: String, field: String) throws(Rejection) -> [UInt8] {
        let u = Array(text.utf8)
        guard u.count >= 3, u[0] == 0x30, u[1] == 0x78 else {
            throw Rejection(.badHex, field: field, "expected a 0x-prefixed minimal big-endian hex integer")
        }
        if u.count == 3, u[2] == 0x30 { return [] }
        guard u[2] != 0x30 else {
            throw Rejection(.badHex, field: field, "expected minimal hex (no leading zero digits)")
        }
        var out = [UInt8]()
        out.reserveCapacity((u.count - 1) / 2)
        var i = 2
        if (u.count - 2) % 2 == 1 {
            out.append(try nibble(u[2], field))
            i = 3
        }
        while i < u.count {
            out.append(try nibble(u[i], field) << 4 | nibble(u[i + 1], field))
            i += 2
        }
        return out
    }

    /// Minimal big-endian hex of minimal bytes (`0x0` for zero).
    public static func encodeBigUInt(_ bytes: [UInt8]) -> String {
        let trimmed = bytes.drop(while: { $0 == 0 })
        guard let first = trimmed.first else { return "0x0" }
        let full = Hex.encode(trimmed, prefix: false)
        return "0x" + (first < 0x10 ? String(full.dropFirst()) : full)
    }

    @inline(__always)
    private static func nibble(_ c: UInt8, _ field: String) throws(Rejection) -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        default:
            throw Rejection(.badHex, field: field, "invalid hex digit '\(Character(Unicode.Scalar(c)))' (lowercase 0-9a-f only)")
        }
    }
}
