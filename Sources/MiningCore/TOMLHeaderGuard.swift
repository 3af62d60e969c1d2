/// Refuses the table headers that make TOMLKit's parser (toml++ 3.x) run past its own
/// precondition: a `[` or `[[` header whose first key character is neither a bare-key character
/// nor a quote (`[=`, `[[&`, `[]`). toml++ asserts there (an abort in debug builds) and, in
/// release builds, tells the optimiser to assume it cannot happen — undefined behaviour on a
/// malformed file. Upstream: marzer/tomlplusplus#294, fixed by #301 (not in TOMLKit's copy).
/// Found by the `policy` fuzz target (Tests/Fuzz/Corpus/policy/regress-header-bad-key-start).
///
/// Every caller of `TOMLTable(string:)` runs this first. Only text that is not valid TOML is
/// refused: the scan skips strings and comments and checks a `[` only at the start of a line
/// outside any array or inline table, where TOML reads it as a header.
public enum TOMLHeaderGuard {
    /// The 1-based line of the first such header and what is wrong with it; nil if there is none.
    public static func firstBadHeader(_ text: String) -> (line: Int, problem: String)? {
        let b = Array(text.utf8)
        var i = 0, line = 1, depth = 0
        var lineStart = true
        func isKeyStart(_ c: UInt8) -> Bool {
            (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) || (0x30...0x39).contains(c)
                || c == 0x5F || c == 0x2D || c == 0x22 || c == 0x27
        }
        func skipString(_ q: UInt8) {
            let triple = i + 2 < b.count && b[i + 1] == q && b[i + 2] == q
            i += triple ? 3 : 1
            while i < b.count {
                if q == 0x22, b[i] == 0x5C { i += 2; continue }  // basic strings escape with `\`
                if b[i] == 0x0A {
                    line += 1
                    if !triple { return }  // an unterminated one-line string: toml++ reports it
                }
                if b[i] == q, !triple || (i + 2 < b.count && b[i + 1] == q && b[i + 2] == q) {
                    i += triple ? 3 : 1
                    return
                }
                i += 1
            }
        }
        while i < b.count {
            let c = b[i]
            switch c {
            case 0x0A:
                line += 1
                lineStart = true
                i += 1
            case 0x20, 0x09, 0x0D:
                i += 1
            case 0x23:  // comment
                while i < b.count, b[i] != 0x0A { i += 1 }
            case 0x22, 0x27:
                lineStart = false
                skipString(c)
            case 0x5B where lineStart && depth == 0:
                var j = i + 1
                if j < b.count, b[j] == 0x5B { j += 1 }
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if j >= b.count || !isKeyStart(b[j]) {
                    return (line, "a table header must start with a key (a bare key or a quoted one)")
                }
                // The rest of the header is toml++'s to judge; headers end with their line.
                while i < b.count, b[i] != 0x0A { i += 1 }
            case 0x5B, 0x7B:
                lineStart = false
                depth += 1
                i += 1
            case 0x5D, 0x7D:
                lineStart = false
                depth = max(0, depth - 1)
                i += 1
            default:
                lineStart = false
                i += 1
            }
        }
        return nil
    }
}
