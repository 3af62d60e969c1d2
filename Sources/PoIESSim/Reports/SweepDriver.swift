import Foundation
import MiningCore
import Synchronization

/// Runs a sweep's shard and writes `runs.csv`, `aggregate.csv` and `sweep.json`. The simulation
/// itself is the one seam: `simctl sweep` passes a closure that loads the scenario, applies the
/// run's `--set` assignments, seeds replication `run.replication`, runs it with summary outputs
/// only, and returns its `summary.json` object. Everything else (grid order, sharding,
/// parallelism, output order, statistics, resuming) lives here, so results are byte-identical for
/// any `jobs` and whether or not the sweep was interrupted and resumed.
public enum SweepDriver {
    /// Simulates one run and returns its summary (the object `summary.json` would hold).
    public typealias RunOne = @Sendable (SweepRun) throws -> JSONValue
    /// Called with (runs done, runs in the shard) once before the first run (done counts the runs
    /// taken over by `--resume`) and after each run finishes; from any thread.
    public typealias Progress = @Sendable (Int, Int) -> Void

    /// Executes `grid`'s runs in `shard` on `jobs` threads and writes the outputs into `out`.
    ///
    /// Each finished run's row is written at once, atomically, to `out/runs.d/<index>.csv`
    /// (``SweepRunFiles``); with `resume` the runs whose file is already there are read back
    /// instead of simulated, so a killed sweep continues where it stopped. Without `resume` any
    /// earlier `runs.d` is removed first.
    ///
    /// - Throws: ``SweepError/runFailed(run:reason:)`` naming the lowest failing run (the other
    ///   runs' rows are kept, so `resume` recomputes only the failed ones);
    ///   ``SweepError/resumeMismatch(file:detail:)`` when `out` holds another sweep's rows.
    @discardableResult
    public static func execute(grid: SweepGrid, shard: SweepShard = .all, jobs: Int = 1,
                               out: URL, resume: Bool = false, progress: Progress? = nil,
                               runOne: RunOne) throws -> SweepRunsTable {
        let runs = grid.runs(in: shard)
        let files = SweepRunFiles(out: out)
        let manifestBefore = SweepManifest(grid: grid, shard: shard, table: SweepRunsTable(parameterKeys: grid.keys, records: []))
        if resume {
            if let old = try SweepManifest.readGrid(in: out) {
                guard old.parameters == grid.parameters, old.replications == grid.replications else {
                    throw SweepError.resumeMismatch(file: out.appendingPathComponent(SweepManifest.file).path,
                                                    detail: "its grid (--set, --replications) differs from this command's")
                }
            }
        } else {
            files.removeAll()
        }
        try files.prepare()
        // The grid goes to disk before any run, so a resumed sweep can be checked against it.
        try manifestBefore.write(to: out)

        var previous: [Int: SweepRunsTable.Record] = [:]
        if resume {
            for run in runs {
                if let r = try files.read(run) { previous[run.index] = r }
            }
        }
        let todo = runs.filter { previous[$0.index] == nil }
        let results = Mutex<[Int: Result<SweepRunsTable.Record, SweepError>]>([:])
        let done = Atomic<Int>(previous.count)
        progress?(previous.count, runs.count)
        let next = Atomic<Int>(0)
        let workers = max(1, min(jobs, todo.count))
        if !todo.isEmpty {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while true {
                    let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard k < todo.count else { return }
                    let run = todo[k]
                    let r: Result<SweepRunsTable.Record, SweepError>
                    do {
                        let record = SweepRunsTable.Record(run: run, summary: try RunSummary(json: try runOne(run)))
                        try files.write(record)
                        r = .success(record)
                    } catch let e as SweepError {
                        r = .failure(e)
                    } catch {
                        r = .failure(.runFailed(run: run.index, reason: "\(error)"))
                    }
                    results.withLock { $0[run.index] = r }
                    let d = done.wrappingAdd(1, ordering: .relaxed).newValue
                    progress?(d, runs.count)
                }
            }
        }
        var records: [SweepRunsTable.Record] = []
        let all = results.withLock { $0 }
        for run in runs {
            if let p = previous[run.index] { records.append(p); continue }
            switch all[run.index]! {
            case .success(let s): records.append(s)
            case .failure(let e):
                if case .runFailed = e { throw e }
                throw SweepError.runFailed(run: run.index, reason: e.description)
            }
        }
        let table = SweepRunsTable(parameterKeys: grid.keys, records: records)
        try SweepOutputs.write(runs: table, aggregate: table.aggregate(), to: out)
        try SweepManifest(grid: grid, shard: shard, table: table).write(to: out)
        return table
    }
}

/// `runs.d/<index>.csv` in a sweep folder: one finished run's row (a header naming the run,
/// replication, parameters and summary fields, then one record), written atomically (temporary
/// file + rename) the moment the run finishes, so an interrupted sweep loses at most the runs in
/// flight. `runs.csv` is assembled from these files; `merge` ignores them.
public struct SweepRunFiles: Sendable {
    public static let folder = "runs.d"
    public let dir: URL

    public init(out: URL) { dir = out.appendingPathComponent(Self.folder) }

    public func url(_ index: Int) -> URL { dir.appendingPathComponent("\(index).csv") }

    func removeAll() { try? FileManager.default.removeItem(at: dir) }

    func prepare() throws {
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw RunOutputsError.cannotWrite(dir.path)
        }
    }

    func write(_ r: SweepRunsTable.Record) throws {
        let header = [SweepRunsTable.runColumn, SweepRunsTable.replicationColumn]
            + r.run.assignments.map { SweepRunsTable.parameterPrefix + $0.key } + r.cells.map(\.name)
        let row = [String(r.run.index), String(r.run.replication)] + r.run.assignments.map(\.value) + r.cells.map(\.value)
        let url = url(r.run.index)
        do { try Data(CSVTable(header: header, rows: [row]).text.utf8).write(to: url, options: .atomic) } catch {
            throw RunOutputsError.cannotWrite(url.path)
        }
    }

    /// The run's record if its file exists; checks it belongs to this run of this grid.
    func read(_ run: SweepRun) throws -> SweepRunsTable.Record? {
        let url = url(run.index)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let t = try CSVReader(url: url).readTable()
        let fixed = 2 + run.assignments.count
        let expectedHeader = [SweepRunsTable.runColumn, SweepRunsTable.replicationColumn]
            + run.assignments.map { SweepRunsTable.parameterPrefix + $0.key }
        guard t.rows.count == 1, t.header.count >= fixed, t.rows[0].count == t.header.count,
              Array(t.header.prefix(fixed)) == expectedHeader
        else {
            throw SweepError.resumeMismatch(file: url.path, detail: "expected one row with columns \(expectedHeader.joined(separator: ","))…")
        }
        let row = t.rows[0]
        let expected = [String(run.index), String(run.replication)] + run.assignments.map(\.value)
        guard Array(row.prefix(fixed)) == expected else {
            throw SweepError.resumeMismatch(file: url.path, detail: "it holds \(row.prefix(fixed).joined(separator: ",")), expected \(expected.joined(separator: ","))")
        }
        let cells = zip(t.header.dropFirst(fixed), row.dropFirst(fixed)).map { SweepRunsTable.Record.Cell(name: $0.0, value: $0.1) }
        return SweepRunsTable.Record(run: run, cells: cells)
    }
}
