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
        for (i, c) in file.cases.enumerated() {
            let intervals = try JSONSerialization.data(withJSONObject: c.steps.map { ["dt": $0.dt, "skipped": $0.skipped] })
            let path = try write(String(decoding: intervals, as: UTF8.self), "intervals.json")
            let out = try Simctl.run(["inspect", "retarget", "--theta0", String(c.theta0), "--intervals", path, "--rule", "ema"])
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
        #expect(b.stdout == "{\"thetas\":[5014441,5028881]}\n")   // ln 2·1e6/48 per second ahead
        let c = try Simctl.run(["inspect", "retarget", "--theta0", "3", "--intervals", "-", "--rule", "fixed"], stdin: intervals)
        #expect(c.stdout == "{\"thetas\":[3,3]}\n")
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
