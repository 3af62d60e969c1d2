import Foundation
import Testing
@testable import PoIESSim

/// Builds scenarios from TOML text for tests (each test states its seed in the text).
enum SimFixture {
    static func scenario(_ toml: String, file: String = "test.toml", _ overrides: [String] = []) throws -> Scenario {
        let ovs = try overrides.map { s throws(ScenarioError) in try ScenarioOverride(parsing: s) }
        return try Scenario.parse(toml: toml, file: file, overrides: ovs)
    }

    static func blocks(_ sc: Scenario, replication: Int = 0) throws -> ([BlockRecord], ReplicationStats) {
        var sink = ArrayBlockSink()
        let st = try Simulation.run(scenario: sc, replication: replication, sink: &sink)
        return (sink.blocks, st)
    }

    /// Runs `sc` with `--jobs 1` and `--jobs 2` into fresh folders, expects byte-identical
    /// `blocks.csv`, `miners.csv` and `summary.json`, and returns both summaries and the second folder.
    static func runWithOneAndTwoJobs(_ sc: Scenario, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (jobs1: Summary, jobs2: Summary, dir2: String) {
        let d1 = tempDir(), d2 = tempDir()
        let s1 = try Simulation.run(scenario: sc, options: .init(jobs: 1, outDir: d1))
        let s2 = try Simulation.run(scenario: sc, options: .init(jobs: 2, outDir: d2))
        for f in ["blocks.csv", "miners.csv", "summary.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: "\(d1)/\(f)"))
            let b = try Data(contentsOf: URL(fileURLWithPath: "\(d2)/\(f)"))
            #expect(a == b, "\(f) differs between --jobs 1 and --jobs 2", sourceLocation: sourceLocation)
            #expect(a.count > 10, "\(f) is nearly empty", sourceLocation: sourceLocation)
        }
        #expect(s1.json == s2.json, sourceLocation: sourceLocation)
        return (s1, s2, d2)
    }

    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("poiessim-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static let scenariosDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")
}
