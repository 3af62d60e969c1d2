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
        #expect(obj["thetaAtMinShare"] as? Double == 0)
        #expect(obj["thetaAtMaxShare"] as? Double == 0)
        #expect(!out.stderr.contains("warning"), "\(out.stderr)")
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

    /// Θ pinned at a tiny Θmax: the run succeeds, the table shows the share, and stderr carries
    /// one warning naming the bound, the share and what to change (seed 31).
    @Test func warnsWhenThetaSitsAtABound() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("simctl-bound-\(UUID().uuidString).toml")
        try """
            [scenario]
            seed = 31
            blocks = 2000
            warmupBlocks = 100
            [chain]
            thetaMicro0 = 4000000
            thetaMaxMicro = 5000000
            [[miners]]
            hashrate = 2500.0
            """.write(to: file, atomically: true, encoding: .utf8)
        let out = try Simctl.run(["run", file.path, "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let warnings = out.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
        #expect(warnings.count == 1, "\(out.stderr)")
        #expect(warnings.first?.hasPrefix("warning: Θ sat at its upper bound 5 nats in ") == true)
        #expect(warnings.first?.hasSuffix("of blocks; results carry a clamp artefact — raise thetaMaxMicro or lower the hash rate") == true)
        #expect(out.stdout.contains("Θ at lower / upper bound"))
        #expect(out.stdout.contains("(bounds 1 / 5 nats)"))
    }

    /// The shipped devnet-chain scenario runs from docs/spec/devnet-chain.toml, the file
    /// `simctl mine --chain` reads; the table names the document and its root.
    @Test func runsTheDevnetChainScenario() throws {
        let out = try Simctl.run(["run", "Scenarios/devnet-chain.toml", "--set", "scenario.blocks=500", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("retarget asert-v1"))
        #expect(out.stdout.contains("devnet-chain.toml (chainId 1337, algPolicy root 0xdd6d1426602d1f8cbfbc7ccdaf45010b7966f896c598f3a75d6d821eeec77418)"))
        #expect(!out.stderr.contains("warning"), "\(out.stderr)")
        let bad = try Simctl.run(["run", "Scenarios/devnet-chain.toml", "--set", "chain.thetaMicro0=3000000"])
        #expect(bad.status != 0)
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.contains("chain.thetaMicro0: no value here: given by the chain document ../docs/spec/devnet-chain.toml"))
        // The same chain file starts the node: its blocks carry the same document root.
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("chain-run-\(UUID().uuidString)").path
        let mine = try Simctl.run(["mine", "--chain", "docs/spec/devnet-chain.toml", "--data-dir", data, "--rpc", "off",
                                   "--threads", "1", "--blocks", "3"], timeout: 120)
        #expect(mine.status == 0, "\(mine.stderr)")
        let events = mine.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let start = events.first { $0["event"] as? String == "start" }
        #expect(start?["chainRoot"] as? String == "0xdd6d1426602d1f8cbfbc7ccdaf45010b7966f896c598f3a75d6d821eeec77418")
        #expect(start?["rule"] as? String == "asert-v1")
        #expect(events.filter { $0["event"] as? String == "block" }.count == 3)
    }
}
