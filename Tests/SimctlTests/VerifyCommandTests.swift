import Foundation
import Testing
import TestSupport

/// `simctl prove vdf` and `simctl verify` end to end through the built binary.
@Suite struct VerifyCommandTests {
    func lines(_ s: String) -> [[String: Any]] {
        s.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func proveThenVerify() throws {
        let p = try Simctl.run(["prove", "vdf", "--seed", "0x0102", "--t", "256"])
        #expect(p.status == 0, "\(p.stderr)")
        let env = p.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let v = try Simctl.run(["verify", "-"], stdin: env)
        #expect(v.status == 0, "\(v.stderr)")
        let out = lines(v.stdout)
        #expect(out.count == 1)
        #expect(out.first?["ok"] as? Bool == true)
        #expect(out.first?["type"] as? String == "vdf:v1")
        #expect((out.first?["metrics"] as? [String: Any])?["iterations"] as? Int == 256)
        // ψ = kVDF · log1p(T / vdfItersPerSecond) = 0.05 · log1p(256e-6) nats under the devnet policy.
        #expect(out.first?["psiRawMicro"] as? Int == Int((0.05 * log1p(256.0 / 1e6) * 1e6 + 1e-12).rounded(.toNearestOrEven)))

        // A batch with one tampered envelope: one line each, exit 1.
        let tampered = env.replacingOccurrences(of: "\"T\":256", with: "\"T\":257")
        let b = try Simctl.run(["verify", "-"], stdin: "[\(env),\(tampered)]")
        #expect(b.status == 1)
        let bo = lines(b.stdout)
        #expect(bo.count == 2)
        #expect(bo.last?["ok"] as? Bool == false)
        #expect(bo.last?["reason"] as? String == "wrong_nullifier")

        // Another chain id changes the nullifier.
        let c = try Simctl.run(["verify", "--chain-id", "1", "-"], stdin: env)
        #expect(c.status == 1)
        #expect(lines(c.stdout).first?["reason"] as? String == "wrong_nullifier")
    }

    @Test(arguments: [
        (["verify", "/nonexistent/envelope.json"], "FILE"),
        (["verify", "--parent-hash", "0x12", "-"], "--parent-hash"),
        (["verify", "--policy", "/nonexistent/policy.toml", "-"], "--policy"),
        (["verify", "--shares-per-block", "0", "-"], "--shares-per-block"),
        (["prove", "vdf", "--seed", "0xZZ", "--t", "256"], "--seed"),
        (["prove", "vdf", "--seed", "0x01", "--t", "10"], "--t"),
        (["prove", "vdf", "--seed", "0x01", "--t", "300", "--modulus", "rsa4096"], "--modulus"),
    ])
    func unusableInputExitsTwoWithOneLine(args: [String], field: String) throws {
        // No stdin: these commands exit before reading it, and writing into a closed pipe would
        // SIGPIPE the test process (Simctl.run does not ignore SIGPIPE).
        let r = try Simctl.run(args)
        #expect(r.status == 2)
        let err = r.stderr.split(separator: "\n")
        #expect(err.count == 1)
        #expect(r.stderr.contains(field))
        #expect(r.stdout.isEmpty)
    }

    @Test func notJSONIsUnusable() throws {
        let r = try Simctl.run(["verify", "-"], stdin: "not json")
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1)
    }

    /// Zero envelopes verify nothing: exit 2 with one line, never "all valid" (exit 0).
    @Test func emptyArrayIsUnusable() throws {
        let r = try Simctl.run(["verify", "-"], stdin: "[]")
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("at least one envelope"), "\(r.stderr)")
    }
}
