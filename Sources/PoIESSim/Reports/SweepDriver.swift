import Foundation
import MiningCore
import Synchronization

/// Runs a sweep's shard and writes `runs.csv` and `aggregate.csv`. The simulation itself is the
/// one seam: `simctl sweep` passes a closure that loads the scenario, applies the run's
/// `--set` assignments, seeds replication `run.replication`, runs it with summary outputs only, and
/// returns its `summary.json` object. Everything else (grid order, sharding, parallelism, output
/// order, statistics) lives here, so results are byte-identical for any `jobs`.
public enum SweepDriver {
    /// Simulates one run and returns its summary (the object `summary.json` would hold).
    public typealias RunOne = @Sendable (SweepRun) throws -> JSONValue

    /// Executes `grid`'s runs in `shard` on `jobs` threads and writes the outputs into `out`.
    ///
    /// - Throws: ``SweepError/runFailed(run:reason:)`` naming the lowest failing run.
    @discardableResult
    public static func execute(grid: SweepGrid, shard: SweepShard = .all, jobs: Int = 1,
                               out: URL, runOne: RunOne) throws -> SweepRunsTable {
        let runs = grid.runs(in: shard)
        let results = Mutex<[Int: Result<RunSummary, SweepError>]>([:])
        let next = Atomic<Int>(0)
        let workers = max(1, min(jobs, runs.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard k < runs.count else { return }
                let run = runs[k]
                let r: Result<RunSummary, SweepError>
                do { r = .success(try RunSummary(json: try runOne(run))) } catch {
                    r = .failure(.runFailed(run: run.index, reason: "\(error)"))
                }
                results.withLock { $0[k] = r }
            }
        }
        var done: [(run: SweepRun, summary: RunSummary)] = []
        let all = results.withLock { $0 }
        for (k, run) in runs.enumerated() {
            switch all[k]! {
            case .success(let s): done.append((run, s))
            case .failure(let e): throw e
            }
        }
        let table = SweepRunsTable(parameterKeys: grid.keys, results: done)
        try SweepOutputs.write(runs: table, aggregate: table.aggregate(), to: out)
        return table
    }
}
