/// Lowercase `0x`-prefixed hex, the wire encoding of spec section 1.
public enum Hex {
    /// Errors name what was wrong so a command line can report it in one line.
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        case missingPrefix
        case oddLength(Int)
        case invalidCharacter(Character)
        case wrongLength(expectedBytes: Int, actualBytes: Int)

        public var description: String {
            switch self {
            case .missingPrefix: return "expected a 0x-prefixed hex string"
            case .oddLength(let n): return "expected an even number of hex digits, got \(n)"
            case .invalidCharacter(let c): return "invalid hex digit '\(c)'"
            case .wrongLength(let e, let a): return "expected \(e) bytes (\(2 * e) hex digits), got \(a)"
            }
        }
    }

    /// Encodes bytes as `0x…` lowercase hex.
    public static func encode<S: Sequence>(_ bytes: S, prefix: Bool = true) -> String where S.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = prefix ? [0x30, 0x78] : []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes hex; `requirePrefix` demands the `0x` of the wire format.
    public static func decode(_ text: String, requirePrefix: Bool = true) throws(DecodeError) -> [UInt8] {
        var s = Substring(text)
        if s.hasPrefix("0x") || s.hasPrefix("0X") {
            s = s.dropFirst(2)
        } else if requirePrefix {
            throw .missingPrefix
        }
        let utf8 = Array(s.utf8)
        guard utf8.count % 2 == 0 else { throw .oddLength(utf8.count) }
        var out = [UInt8]()
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            let hi = try nibble(utf8[i]), lo = try nibble(utf8[i + 1])
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// Decodes hex of an exact byte length.
    public static func decode(_ text: String, bytes: Int, requirePrefix: Bool = true) throws(DecodeError) -> [UInt8] {
        let out = try decode(text, requirePrefix: requirePrefix)
        guard out.count == bytes else { throw .wrongLength(expectedBytes: bytes, actualBytes: out.count) }
        return out
    }

    @inline(__always)
    private static func nibble(_ c: UInt8) throws(DecodeError) -> UInt8 {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: throw .invalidCharacter(Character(Unicode.Scalar(c)))
        }
    }
}
