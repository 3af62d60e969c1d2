import Foundation
import MiningCore
import Testing


@Suite struct StrictJSONTests {
    @Test(arguments: [
        "{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "01", "-", "1.", ".5", "1e", "+1", "\"\\x\"", "\"\\ud800\"",
        "\"\\udc00x\"", "\"a\u{01}\"", "tru", "nul", "{\"a\" 1}", "[1 2]", "1 2", "\u{FEFF}{}", "{'a':1}", "1e999",
        String(repeating: "[", count: 100) + String(repeating: "]", count: 100), "",
    ])
    func rejects(_ text: String) {
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: StrictJSON.ParseError.self) { try StrictJSON.parse([0x22, 0xFF, 0x22]) }
    }

    @Test func acceptsAndTypesNumbers() throws {
        let v = try StrictJSON.parse(Array(" {\"i\": -42, \"z\": 0, \"d\": 2.5, \"e\": 1e2, \"big\": 9223372036854775808,\n\t\"s\": \"a\\u00e9\\ud83d\\ude00\\n\\/\", \"b\": [true, false, null], \"o\": {}} ".utf8))
        #expect(v["i"] == .int(-42))
        #expect(v["z"] == .int(0))
        #expect(v["d"] == .double(2.5))
        #expect(v["e"] == .double(100))
        #expect(v["big"] == .double(9223372036854775808))
        #expect(v["s"] == .string("aé😀\n/"))
        #expect(v["b"] == .array([.bool(true), .bool(false), .null]))
        #expect(v["o"] == .object([:]))
    }

    @Test func agreesWithFoundationOnCanonicalText() throws {
        let text = "{\"a\":[1,2,{\"b\":\"c\"}],\"d\":-7,\"e\":\"\\\"q\\\"\"}"
        let strict = try StrictJSON.parse(Array(text.utf8))
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(strict == foundation)
        #expect(strict.canonical == text)
    }
}
