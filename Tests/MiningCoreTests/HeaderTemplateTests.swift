import Foundation
import MiningCore
import Testing
import TestSupport

/// Template JSON: round trip to the same shape, and strict decoding that names the bad field.
@Suite struct HeaderTemplateTests {
    /// The first template of udraw.json as a mutable JSON tree.
    static func templateTree() throws -> [String: Any] {
        let root = try #require(try loadVectorJSON("udraw.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try #require(cases[0]["template"] as? [String: Any])
    }

    static func data(_ tree: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: tree)
    }

    /// Decoding, encoding and decoding again gives the same JSON tree as the vector, for all 20.
    @Test func roundTripPreservesEveryTemplate() throws {
        let root = try #require(try loadVectorJSON("udraw.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count == 20)
        for (i, c) in cases.enumerated() {
            let original = try #require(c["template"] as? [String: Any])
            let t = try HeaderTemplate.decode(json: try JSONSerialization.data(withJSONObject: original))
            let encoded = t.encodeJSON()
            let reparsed = try #require(try JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
            #expect(reparsed.isEqual(to: original), "case \(i)")
            #expect(try HeaderTemplate.decode(json: encoded) == t, "case \(i)")
        }
    }

    @Test func nonASCIICoinbaseSurvivesRoundTrip() throws {
        let t = try HeaderTemplate.decode(json: try Self.data(Self.templateTree()))
        #expect(t.coinbase == "ü-coinbase")
        let again = try HeaderTemplate.decode(json: t.encodeJSON())
        #expect(again.coinbase == "ü-coinbase")
        #expect(again.signBytes == t.signBytes)
    }

    func expectError(_ mutate: (inout [String: Any]) -> Void, field: String, mentions: String? = nil) throws {
        var tree = try Self.templateTree()
        mutate(&tree)
        let json = try Self.data(tree)
        do {
            _ = try HeaderTemplate.decode(json: json)
            Issue.record("expected a decode error for \(field)")
        } catch {
            #expect(error.field == field)
            if let m = mentions { #expect(error.expected.contains(m), "\(error.expected)") }
        }
    }

    static func nested(_ tree: inout [String: Any], _ obj: String, _ key: String, _ value: Any?) {
        var o = tree[obj] as! [String: Any]
        o[key] = value
        tree[obj] = o
    }

    @Test func errorsNameTheField() throws {
        try expectError({ $0["parentHash"] = "0x1234" }, field: "parentHash", mentions: "64")
        try expectError({ $0["stateRoot"] = "ab" + String(repeating: "0", count: 64) }, field: "stateRoot")
        try expectError({ $0["daRoot"] = "0x" + String(repeating: "A", count: 64) }, field: "daRoot", mentions: "lowercase")
        try expectError({ $0.removeValue(forKey: "txsRoot") }, field: "txsRoot", mentions: "missing")
        try expectError({ $0["chainId"] = -1 }, field: "chainId")
        try expectError({ $0["chainId"] = 4_294_967_296 }, field: "chainId")
        try expectError({ $0["height"] = "12" }, field: "height")
        try expectError({ $0["coinbase"] = 5 }, field: "coinbase", mentions: "string")
        try expectError({ $0["bogus"] = 1 }, field: "bogus", mentions: "unknown")
        try expectError({ Self.nested(&$0, "params", "thetaMicro", -5) }, field: "params.thetaMicro", mentions: "non-negative")
        try expectError({ Self.nested(&$0, "params", "thetamicro", 5) }, field: "params.thetamicro", mentions: "unknown")
        try expectError({ Self.nested(&$0, "params", "gammaCap", nil) }, field: "params.gammaCap", mentions: "missing")
        try expectError({ Self.nested(&$0, "policyRoots", "algPolicy", "0x00") }, field: "policyRoots.algPolicy")
        try expectError({ Self.nested(&$0, "nonceDomain", "mixSeed", 7) }, field: "nonceDomain.mixSeed")
        try expectError({ Self.nested(&$0, "nonceDomain", "uDomainTag", "animica:u-draw:v2") },
                        field: "nonceDomain.uDomainTag", mentions: "animica:u-draw:v1")
        try expectError({ Self.nested(&$0, "extra", "templateId", nil) }, field: "extra.templateId", mentions: "missing")
        try expectError({ $0["params"] = "x" }, field: "params")
    }

    @Test func malformedJSONIsReportedForTheDocument() throws {
        do {
            _ = try HeaderTemplate.decode(json: Data("{\"chainId\": ".utf8))
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "")
            #expect(error.expected.contains("malformed"))
        }
    }
}
