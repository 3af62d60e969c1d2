import Foundation
import Testing
import TestSupport

/// `simctl inspect retarget` end to end (needs `swift build --product simctl`).
@Suite struct InspectRetargetTests {
    struct Step: Decodable { let dt: Double; let skipped: Int; let theta: Int64 }
    struct Case: Decodable { let theta0: Int64; let steps: [Step] }
    struct Output: Decodable { let thetas: [Int64] }

    /// A scratch file in a fresh temporary directory.
    func write(_ text: String, _ name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-retarget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func reproducesEveryRetargetVectorCase() throws {
        let file = try VectorFile<Case>.load("retarget.json")
        let params = try write("thetaMax = 12000000\n", "v1-bounds.toml")   // retarget.json pins Θmax 12 nats
        for (i, c) in file.cases.enumerated() {
            let intervals = try JSONSerialization.data(withJSONObject: c.steps.map { ["dt": $0.dt, "skipped": $0.skipped] })
            let path = try write(String(decoding: intervals, as: UTF8.self), "intervals.json")
            let out = try Simctl.run(["inspect", "retarget", "--theta0", String(c.theta0), "--intervals", path,
                                      "--rule", i.isMultiple(of: 2) ? "ema" : "ema-v1", "--params", params])
            #expect(out.status == 0, "case \(i): \(out.stderr)")
            #expect(out.stderr.isEmpty)
            let lines = out.stdout.split(separator: "\n")
            #expect(lines.count == 1)
            let thetas = try JSONDecoder().decode(Output.self, from: Data(out.stdout.utf8)).thetas
            #expect(thetas == c.steps.map(\.theta), "case \(i)")
        }
    }

    @Test func otherRulesAndParamsFromTOML() throws {
        let intervals = #"[{"dt": 1}, {"dt": 1.0, "skipped": 1}]"#
        let window = try write("rule = \"window\"\nwindow = 2\n", "window.toml")
        let a = try Simctl.run(["inspect", "retarget", "--theta0", "5000000", "--intervals", "-", "--params", window], stdin: intervals)
        #expect(a.status == 0, "\(a.stderr)")
        #expect(a.stdout == "{\"thetas\":[5000000,5693147]}\n")   // ln 2 after a 2-block window at half time
        let asert = try write("halfLife = 48\n", "asert.toml")
        let b = try Simctl.run(["inspect", "retarget", "--theta0", "5000000", "--intervals", "-", "--rule", "asert", "--params", asert],
                               stdin: intervals)
        #expect(b.stdout == "{\"thetas\":[5014440,5028880]}\n")   // ⌊ln 2·1e6/48⌋ per second ahead (asert-v1)
        let c = try Simctl.run(["inspect", "retarget", "--theta0", "3", "--intervals", "-", "--rule", "fixed"], stdin: intervals)
        #expect(c.stdout == "{\"thetas\":[3,3]}\n")
    }

    struct AsertParams: Decodable { let targetBlockMs, halfLifeMs, thetaMinMicro, thetaMaxMicro: Int64 }
    struct AsertCase: Decodable { let params: AsertParams; let theta0: Int64; let genesisTimeMs: Int64; let timesMs: [Int64]; let thetas: [Int64] }

    /// Chain intervals (`dtMs`, block 1's interval first and skipped) reproduce `asert.json`:
    /// the output is Θ of block 2, 3, … (the vector's `thetas[1...]`).
    @Test func chainIntervalsReproduceAsertVectors() throws {
        let file = try VectorFile<AsertCase>.load("asert.json")
        for (i, c) in file.cases.enumerated() where i % 10 == 0 {
            let p = c.params
            let params = try write("targetBlockMs = \(p.targetBlockMs)\nhalfLifeMs = \(p.halfLifeMs)\nthetaMinMicro = \(p.thetaMinMicro)\nthetaMaxMicro = \(p.thetaMaxMicro)\n", "p.toml")
            let times = [c.genesisTimeMs] + c.timesMs
            let intervals = "[" + (1..<times.count).map { "{\"dtMs\": \(times[$0] - times[$0 - 1])}" }.joined(separator: ",") + "]"
            let out = try Simctl.run(["inspect", "retarget", "--rule", "asert-v1", "--theta0", String(c.theta0), "--params", params,
                                      "--intervals", "-"], stdin: intervals)
            #expect(out.status == 0, "case \(i): \(out.stderr)")
            let thetas = try JSONDecoder().decode(Output.self, from: Data(out.stdout.utf8)).thetas
            #expect(thetas == Array(c.thetas.dropFirst()), "case \(i)")
        }
        let mixed = try Simctl.run(["inspect", "retarget", "--theta0", "5", "--intervals", "-"], stdin: #"[{"dtMs": 1}, {"dt": 1}]"#)
        #expect(mixed.status != 0 && mixed.stderr.hasPrefix("simctl: intervals[1]"), "\(mixed.stderr)")
        let float = try Simctl.run(["inspect", "retarget", "--theta0", "5", "--intervals", "-"], stdin: #"[{"dtMs": 1.5}]"#)
        #expect(float.status != 0 && float.stderr.hasPrefix("simctl: intervals[0].dtMs"), "\(float.stderr)")
    }

    @Test func inspectChainPrintsTheRootOfTheDocument() throws {
        let out = try Simctl.run(["inspect", "chain", "devnet"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.hasPrefix(#"{"chain":{"chainId":1337,"#), "\(out.stdout)")
        #expect(out.stdout.contains(#""root":"0xdd6d1426602d1f8cbfbc7ccdaf45010b7966f896c598f3a75d6d821eeec77418""#))
        let file = ProjectPaths.spec.appendingPathComponent("devnet-chain.toml").path
        #expect(try Simctl.run(["inspect", "chain", file]).stdout == out.stdout)
        let bad = try write("version = 1\nchainId = -1\n", "bad-chain.toml")
        let e = try Simctl.run(["inspect", "chain", bad])
        #expect(e.status != 0 && e.stdout.isEmpty)
        #expect(e.stderr == "simctl: chain: \(bad):2: chainId: value -1 is out of range (expected an integer in 0…4294967295)\n", "\(e.stderr)")
    }

    @Test func badInputFailsWithOneLineNamingTheField() throws {
        let ok = try write(#"[{"dt": 2}]"#, "ok.json")
        let badToml = try write("T = = 2", "bad.toml")
        let unknownKey = try write("beta = 0.5\nwindow = 3\n", "unknown.toml")
        let conflict = try write("rule = \"asert\"\n", "conflict.toml")
        let cases: [([String], String?, String)] = [
            (["--intervals", ok], nil, "--theta0"),
            (["--theta0", "-1", "--intervals", ok], nil, "--theta0"),
            (["--theta0", "abc", "--intervals", ok], nil, "--theta0"),
            (["--theta0", "5"], nil, "--intervals"),
            (["--theta0", "5", "--intervals", "/no/such/file.json"], nil, "--intervals"),
            (["--theta0", "5", "--intervals", "-"], "{not json", "--intervals"),
            (["--theta0", "5", "--intervals", "-"], #"{"dt": 1}"#, "--intervals"),
            (["--theta0", "5", "--intervals", "-"], #"[{"skipped": 1}]"#, "intervals[0].dt"),
            (["--theta0", "5", "--intervals", "-"], #"[{"dt": 1}, {"dt": "x"}]"#, "intervals[1].dt"),
            (["--theta0", "5", "--intervals", "-"], #"[{"dt": 1, "skipped": -2}]"#, "intervals[0].skipped"),
            (["--theta0", "5", "--intervals", "-"], #"[{"dt": 1, "dT": 2}]"#, "intervals[0].dT"),
            (["--theta0", "5", "--intervals", "-"], "[3]", "intervals[0]"),
            (["--theta0", "5", "--intervals", ok, "--rule", "bitcoin"], nil, "--rule"),
            (["--theta0", "5", "--intervals", ok, "--params", badToml], nil, "--params"),
            (["--theta0", "5", "--intervals", ok, "--params", unknownKey], nil, "--params: window"),
            (["--theta0", "5", "--intervals", ok, "--params", conflict, "--rule", "ema"], nil, "--params"),
            (["--theta0", "5", "--intervals", ok, "--params", "/no/such.toml"], nil, "--params"),
        ]
        for (args, stdin, field) in cases {
            let out = try Simctl.run(["inspect", "retarget"] + args, stdin: stdin)
            #expect(out.status != 0, "\(args)")
            #expect(out.stdout.isEmpty, "\(args)")
            let lines = out.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(args): \(out.stderr)")
            #expect(out.stderr.hasPrefix("simctl: \(field)"), "\(args): \(out.stderr)")
        }
    }

    @Test func helpExplainsTheFormat() throws {
        let out = try Simctl.run(["inspect", "retarget", "--help"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("--intervals") && out.stdout.contains("asert"))
    }
}
