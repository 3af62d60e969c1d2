import Foundation
import MiningCore
import PoIESSim

/// The one seam between `simctl sweep` and the simulator engine: given the scenario file, return
/// the scenario's own replication count and a closure that simulates one sweep run.
///
/// A run must: load the scenario with the run's `--set` assignments as overrides, simulate
/// replication `run.replication` only (its random streams are keyed by the scenario seed and that
/// index, so the result does not depend on which shard or thread runs it), with no per-block
/// output, and return that replication's `summary.json` object. Validate every combination up
/// front so a bad value fails before any compute is spent.
///
enum SweepRunner {
    static func overrides(_ assignments: [SweepRun.Assignment]) throws -> [ScenarioOverride] {
        try assignments.map { a throws in try ScenarioOverride(parsing: "\(a.key)=\(a.value)") }
    }

    static func make(scenarioPath path: String, grid: SweepGrid) throws -> (defaultReplications: Int, runOne: SweepDriver.RunOne) {
        let base = try Scenario.load(path: path)
        // Fail fast: every combination must give a valid scenario before any compute is spent.
        for c in grid.combinations {
            let assignments = zip(grid.keys, c).map { SweepRun.Assignment(key: $0.0, value: $0.1) }
            _ = try Scenario.load(path: path, overrides: overrides(assignments))
        }
        return (base.replications, { run in
            let sc = try Scenario.load(path: path, overrides: overrides(run.assignments))
            var summary = Summary(scenario: sc)
            var sink = NullBlockSink()
            summary.add(try Simulation.run(scenario: sc, replication: run.replication, sink: &sink))
            return summary.json
        })
    }
}
