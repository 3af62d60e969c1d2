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
/// Until the engine lands on main this reports that it is missing. With the simulator branch's API
/// (`Scenario.load(path:overrides:)`, `ScenarioOverride(parsing:)`, `Simulation.run(scenario:
/// replication:sink:)`, `Summary`) the body is:
///
/// ```swift
/// func overrides(_ a: [SweepRun.Assignment]) throws -> [ScenarioOverride] {
///     try a.map { try ScenarioOverride(parsing: "\($0.key)=\($0.value)") }
/// }
/// let base = try Scenario.load(path: path)
/// for c in grid.combinations {   // fail fast on a bad value
///     _ = try Scenario.load(path: path, overrides: overrides(zip(grid.keys, c).map { .init(key: $0.0, value: $0.1) }))
/// }
/// return (base.replications, { run in
///     let sc = try Scenario.load(path: path, overrides: overrides(run.assignments))
///     var summary = Summary(scenario: sc)
///     var sink = NullBlockSink()
///     summary.add(try Simulation.run(scenario: sc, replication: run.replication, sink: &sink))
///     return summary.json
/// })
/// ```
enum SweepRunner {
    struct EngineMissing: Error, CustomStringConvertible {
        var description: String { "the simulator engine is not part of this build yet (simctl sweep needs `simctl run`'s engine)" }
    }

    static func make(scenarioPath path: String, grid: SweepGrid) throws -> (defaultReplications: Int, runOne: SweepDriver.RunOne) {
        throw EngineMissing()
    }
}
