import Foundation
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

    static func tempDir() -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("poiessim-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static let scenariosDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Scenarios")
}
