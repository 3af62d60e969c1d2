import ArgumentParser
import MiningCore

/// Validation shared by the u-draw calculators: options arrive as text so that a missing value,
/// a negative number or bad hex is reported as one line naming the option (CLI contract), not as
/// a parser usage dump.
enum InspectArguments {
    /// A required option's value, or a failure naming it.
    static func required(_ value: String?, _ field: String, _ expected: String) throws -> String {
        guard let value else { throw CLI.fail(field, "missing; expected \(expected)") }
        return value
    }

    /// A decimal integer in `range`.
    static func integer(_ value: String?, _ field: String, in range: ClosedRange<Int64>) throws -> Int64 {
        let what = range.upperBound == .max
            ? "an integer ≥ \(range.lowerBound)" : "an integer in \(range.lowerBound)…\(range.upperBound)"
        let text = try required(value, field, what)
        guard let n = Int64(text), range.contains(n) else {
            throw CLI.fail(field, "expected \(what), got '\(text)'")
        }
        return n
    }

    /// A big-endian integer as `0x` + 1…`2·maxBytes` hex digits (minimal form such as `0x0` is
    /// fine), returned left-padded to `maxBytes`.
    static func hexInteger(_ value: String?, _ field: String, maxBytes: Int) throws -> [UInt8] {
        let what = "0x + 1…\(2 * maxBytes) hex digits"
        let text = try required(value, field, what)
        guard text.hasPrefix("0x") else { throw CLI.fail(field, "expected \(what), got '\(text.prefix(80))'") }
        var digits = String(text.dropFirst(2))
        guard (1...2 * maxBytes).contains(digits.count) else {
            throw CLI.fail(field, "expected \(what), got \(digits.count) digits")
        }
        if digits.count % 2 == 1 { digits = "0" + digits }
        let bytes: [UInt8]
        do { bytes = try Hex.decode(digits, requirePrefix: false) } catch {
            throw CLI.fail(field, "expected \(what): \(error)")
        }
        return [UInt8](repeating: 0, count: maxBytes - bytes.count) + bytes
    }
}
