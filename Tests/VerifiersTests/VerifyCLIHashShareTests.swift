import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// `simctl verify --template … --policy …` end to end with hash shares built from udraw.json.
@Suite struct VerifyCLIHashShareTests {
    func tempFile(_ name: String, _ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vdf-envelopes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func lines(_ s: String) -> [[String: Any]] {
        s.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    @Test func hashShareWithTemplateAndPolicy() throws {
        let c = try #require(HashShareVerifierTests.cases.first)
        let env = try HashShareVerifierTests.envelope(c).json.canonical
        let template = try tempFile("template.json", c.template.canonical)
        let policy = ProjectPaths.spec.appendingPathComponent("devnet-policy.toml").path

        let ok = try Simctl.run(["verify", "--template", template, "--policy", policy, "--shares-per-block", "\(1 << 62)", "-"], stdin: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        let line = try #require(lines(ok.stdout).first)
        #expect(line["ok"] as? Bool == true)
        #expect(line["type"] as? String == "hashshare:v1")
        let d = try #require((line["metrics"] as? [String: Any])?["d_ratio_ppm"] as? Int)
        let expected = Psi.rawMicro(.hashShare(dRatioPpm: Int64(d)), policy: .devnet)
        #expect(line["psiRawMicro"] as? Int == Int(expected))

        // With the default K = 16 the random vector nonce is below the share target.
        let low = try Simctl.run(["verify", "--template", template, "-"], stdin: env)
        #expect(low.status == 1)
        #expect(lines(low.stdout).first?["reason"] as? String == "below_target")

        // Without the template the share names an unknown one.
        let none = try Simctl.run(["verify", "-"], stdin: env)
        #expect(none.status == 1)
        #expect(lines(none.stdout).first?["reason"] as? String == "unknown_template")
    }

    @Test func badTemplateOrPolicyIsUnusable() throws {
        let badTemplate = try tempFile("t.json", "{\"chainId\": 1}")
        let r1 = try Simctl.run(["verify", "--template", badTemplate, "/dev/null"])
        #expect(r1.status == 2)
        #expect(r1.stderr.split(separator: "\n").count == 1 && r1.stderr.contains("--template"))

        let badPolicy = try tempFile("p.toml", "gammaCapMicro = -1\n")
        let r2 = try Simctl.run(["verify", "--policy", badPolicy, "/dev/null"])
        #expect(r2.status == 2)
        #expect(r2.stderr.split(separator: "\n").count == 1 && r2.stderr.contains("--policy"))
    }
}
