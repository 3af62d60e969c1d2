import MiningCore
import Testing

/// The headers toml++ cannot parse safely are refused with their line; valid TOML (headers with
/// quoted keys, arrays of arrays and inline tables on their own lines, `[` inside strings and
/// comments) passes untouched.
@Suite struct TOMLHeaderGuardTests {
    @Test(arguments: [("[=", 1), ("[&", 1), ("[[=", 1), ("[[[1]]]", 1), ("[]", 1), ("[ ]", 1),
                      ("a = 1\n\n  [ =x]", 3), ("[types.AI]\n[= { 2", 2)])
    func refusesHeadersWithoutAKey(_ text: String, _ line: Int) {
        #expect(TOMLHeaderGuard.firstBadHeader(text)?.line == line)
    }

    @Test(arguments: [
        "[types.AI]\nkPpm = 1\n[[providers]]\ntype = \"ai\"",
        "[ \"quoted key\" ]\n[ 'literal'.x ]\n[-dash]\n[_u]",
        "a = [\n[1, 2],\n[{ b = 1 }],\n[],\n]",
        "x = \"\"\"\n[=\n\"\"\"\ny = '''\n[]\n'''",
        "s = \"[= \\\" [&\"  # [=\n# [=\nt = { a = [ [ ] ] }",
    ])
    func passesValidTOML(_ text: String) {
        #expect(TOMLHeaderGuard.firstBadHeader(text) == nil)
    }

    /// The fuzz-found input reaches the policy reader's typed syntax error, not toml++'s assertion.
    @Test func policyReaderReportsTheLine() {
        #expect(throws: PolicyError.self) { try Policy(toml: "version = 1\n[types.HASHSHARE]\n[= { 2\n") }
    }
}
