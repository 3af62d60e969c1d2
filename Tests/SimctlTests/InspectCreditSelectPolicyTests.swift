import Foundation
import Testing
import TestSupport

/// End-to-end tests of `simctl inspect credit|select|policy` through the built binary.
@Suite(.serialized) struct InspectCreditSelectPolicyTests {
    static let dir: URL = {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("simctl-credit-\(getpid())")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }()

    static func write(_ name: String, _ text: String) throws -> String {
        let u = dir.appendingPathComponent(name)
        try text.write(to: u, atomically: true, encoding: .utf8)
        return u.path
    }

    static func json(_ s: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any])
    }

    static let n1 = "0x" + String(repeating: "01", count: 32)
    static let n2 = "0x" + String(repeating: "02", count: 32)
    static let n3 = "0x" + String(repeating: "03", count: 32)
    static let proofs = """
        [{"type":"AI","psiAdjMicro":3000000,"nullifier":"\(n1)"},
         {"type":"AI","psiAdjMicro":5000000,"nullifier":"\(n2)","sizeBytes":10},
         {"type":"HASHSHARE","psiAdjMicro":4500000,"nullifier":"\(n3)"}]
        """

    @Test func policyPrintsTheDevnetRoot() throws {
        let path = ProjectPaths.spec.appendingPathComponent("devnet-policy.toml").path
        for args in [["inspect", "policy", path], ["inspect", "policy"], ["inspect", "policy", "devnet"]] {
            let out = try Simctl.run(args)
            #expect(out.status == 0, "\(args): \(out.stderr)")
            let j = try Self.json(out.stdout)
            #expect(j["root"] as? String == "0x12e2961c8265f45e2b9289674b24c42aa9fa903557f7db00d7fadd7180e9110a")
            #expect((j["policy"] as? [String: Any])?["gammaCapMicro"] as? Int == 8_000_000)
        }
    }

    @Test func policyErrorNamesFileLineAndKeyPath() throws {
        let text = try String(contentsOf: ProjectPaths.spec.appendingPathComponent("devnet-policy.toml"), encoding: .utf8)
        let bad = try Self.write("bad.toml", text.replacingOccurrences(of: "perProofCap = 4000000", with: "perProofCap = 4000001"))
        let out = try Simctl.run(["inspect", "policy", bad])
        #expect(out.status != 0)
        #expect(out.stdout.isEmpty)
        #expect(out.stderr.split(separator: "\n").count == 1)
        #expect(out.stderr.contains("\(bad):22: types.AI.perProofCap"))
        #expect(out.stderr.contains("exceeds perTypeCap"))
        // The same through --policy of another command, and an unknown key with a suggestion.
        let typo = try Self.write("typo.toml", text.replacingOccurrences(of: "escortQPpm", with: "escortQppm"))
        let proofs = try Self.write("p.json", Self.proofs)
        let out2 = try Simctl.run(["inspect", "credit", "--policy", typo, "--proofs", proofs])
        #expect(out2.status != 0)
        #expect(out2.stderr.contains("\(typo):5: escortQppm: unknown key (did you mean 'escortQPpm'?)"))
    }

    @Test func creditPrintsCreditedTotalAndBreakdown() throws {
        let p = try Self.write("p.json", Self.proofs)
        let out = try Simctl.run(["inspect", "credit", "--proofs", p])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try Self.json(out.stdout)
        #expect(j["credited"] as? [Int] == [1_613_446, 2_151_260, 4_235_294])
        #expect(j["total"] as? Int == 8_000_000)
        let b = try #require(j["breakdown"] as? [String: Any])
        let ai = try #require((b["types"] as? [String: Any])?["AI"] as? [String: Any])
        #expect(ai["typeCapBound"] as? Bool == true && ai["perProofCapped"] as? Int == 1)
        #expect((b["gamma"] as? [String: Any])?["bound"] as? Bool == true)
    }

    @Test func selectPrintsSelectionTargetAndDropped() throws {
        let p = try Self.write("c.json", Self.proofs)
        let seen = try Self.write("seen.json", "[\"\(Self.n3)\"]")
        let out = try Simctl.run(["inspect", "select", "--policy", "devnet", "--theta", "9000000", "--candidates", p])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try Self.json(out.stdout)
        #expect(j["selected"] as? [Int] == [1, 2])
        #expect(j["total"] as? Int == 8_000_000)
        #expect(j["requiredHashTarget"] as? Int == 1_000_000)
        #expect((j["dropped"] as? [[String: Any]])?.first?["reason"] as? String == "notSelected")
        let out2 = try Simctl.run(["inspect", "select", "--theta", "9000000", "--candidates", p, "--seen", seen])
        let j2 = try Self.json(out2.stdout)
        #expect(j2["selected"] as? [Int] == [0, 1] || j2["selected"] as? [Int] == [1])
        #expect((j2["dropped"] as? [[String: Any]])?.contains { $0["reason"] as? String == "seenWithinTTL" } == true)
    }

    @Test(arguments: [
        (["inspect", "select", "--theta", "-1", "--candidates", "C"], "--theta"),
        (["inspect", "select", "--theta", "x", "--candidates", "C"], "--theta"),
        (["inspect", "credit", "--proofs", "/nonexistent/p.json"], "--proofs"),
        (["inspect", "credit", "--proofs", "BADHEX"], "--proofs[0].nullifier"),
        (["inspect", "credit", "--proofs", "BADTYPE"], "--proofs[0].type"),
        (["inspect", "credit", "--proofs", "BADJSON"], "--proofs"),
        (["inspect", "credit", "--proofs", "FLOATPSI"], "--proofs[0].psiAdjMicro"),
        (["inspect", "select", "--theta", "1", "--candidates", "NEGSIZE"], "--candidates[0].sizeBytes"),
        (["inspect", "credit", "--policy", "/nonexistent.toml", "--proofs", "C"], "--policy"),
        (["inspect", "policy", "MALFORMED"], "policy"),
    ])
    func badInputIsOneLineNamingTheField(args: [String], field: String) throws {
        let files: [String: String] = [
            "C": Self.proofs,
            "BADHEX": "[{\"type\":\"AI\",\"psiAdjMicro\":1,\"nullifier\":\"0x12\"}]",
            "BADTYPE": "[{\"type\":\"XX\",\"psiAdjMicro\":1,\"nullifier\":\"\(Self.n1)\"}]",
            "BADJSON": "[{",
            "FLOATPSI": "[{\"type\":\"AI\",\"psiAdjMicro\":1.5,\"nullifier\":\"\(Self.n1)\"}]",
            "NEGSIZE": "[{\"type\":\"AI\",\"psiAdjMicro\":1,\"nullifier\":\"\(Self.n1)\",\"sizeBytes\":-4}]",
            "MALFORMED": "version = = 1\n",
        ]
        let resolved = try args.map { a in try files[a].map { try Self.write("\(a).\(a == "MALFORMED" ? "toml" : "json")", $0) } ?? a }
        let out = try Simctl.run(resolved)
        #expect(out.status != 0)
        #expect(out.stdout.isEmpty)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(out.stderr)")
        #expect(lines.first?.hasPrefix("simctl: \(field)") == true, "\(out.stderr)")
    }
}
