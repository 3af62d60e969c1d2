import Foundation
import Testing
import TestSupport

/// `simctl run` end to end through the built binary.
@Suite struct RunCommandTests {
    @Test func runsBaselineWithOverridesAndWritesFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simctl-run-\(UUID().uuidString)").path
        let out = try Simctl.run(["run", "Scenarios/baseline.toml", "--set", "scenario.blocks=300",
                                  "--set", "scenario.replications=2", "--out", dir, "--json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let line = try #require(out.stdout.split(separator: "\n").first)
        let obj = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["blocks"] as? Int == 600)
        for f in ["blocks.csv", "miners.csv", "summary.json"] {
            #expect(FileManager.default.fileExists(atPath: "\(dir)/\(f)"))
        }
        let header = try String(contentsOfFile: "\(dir)/blocks.csv", encoding: .utf8).split(separator: "\n").first
        #expect(header == "replication,height,time_s,miner,theta_micro,h_micro,psi_credited_micro,psi_hashshare_micro,psi_ai_micro,psi_quantum_micro,psi_storage_micro,psi_vdf_micro,interval_s,orphaned")
    }

    @Test func badScenarioIsOneLineNamingFileLineAndKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("simctl-bad-\(UUID().uuidString).toml")
        try "[scenario]\nseed = 1\n[[miners]]\nhashrat = 3.0\n".write(to: dir, atomically: true, encoding: .utf8)
        let out = try Simctl.run(["run", dir.path])
        #expect(out.status != 0)
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(out.stderr.contains("\(dir.path):4: miners.0.hashrat"))
        #expect(out.stderr.contains("did you mean \"hashrate\""))
        let missing = try Simctl.run(["run", "no/such/file.toml"])
        #expect(missing.status != 0)
        #expect(missing.stderr.split(separator: "\n").count == 1)
    }
}
