import Foundation

/// `simctl merge`: joins the `runs.csv` of several shard folders (same sweep, disjoint runs) and
/// recomputes `aggregate.csv` over the union, so the statistics are those of the whole sweep.
public enum SweepMerge {
    public struct Result: Sendable, Equatable {
        public var runs: SweepRunsTable
        public var aggregate: CSVTable
        /// Run indices below the largest one seen that no shard provided (a shard that failed or
        /// was not copied back); a missing last shard cannot be detected this way.
        public var missingRuns: [Int]
    }

    /// Reads `dir/runs.csv` for each of `directories` and merges them.
    ///
    /// - Throws: ``SweepError/headerMismatch(file:expected:found:)`` when shards disagree on
    ///   columns, ``SweepError/duplicateRun(file:run:)`` when a run appears twice.
    public static func merge(_ directories: [URL], confidence: Double = 0.95) throws -> Result {
        var header: [String]?
        var rows: [(Int, [String])] = []
        var seen = Set<Int>()
        for dir in directories {
            let url = dir.appendingPathComponent("runs.csv")
            let t = try SweepRunsTable.read(url).table
            if let h = header {
                guard h == t.header else { throw SweepError.headerMismatch(file: url.path, expected: h, found: t.header) }
            } else {
                header = t.header
            }
            guard let rc = t.column(SweepRunsTable.runColumn) else {
                throw SweepError.missingColumn(file: url.path, column: SweepRunsTable.runColumn)
            }
            for (k, r) in t.rows.enumerated() {
                let cell = rc < r.count ? r[rc] : ""
                guard let i = Int(cell), i >= 0 else { throw SweepError.badRunIndex(file: url.path, line: k + 2, value: cell) }
                guard seen.insert(i).inserted else { throw SweepError.duplicateRun(file: url.path, run: i) }
                rows.append((i, r))
            }
        }
        rows.sort { $0.0 < $1.0 }
        let runs = SweepRunsTable(table: CSVTable(header: header ?? [], rows: rows.map(\.1)))
        let maxRun = rows.last?.0 ?? -1
        let missing = maxRun < 0 ? [] : (0...maxRun).filter { !seen.contains($0) }
        return Result(runs: runs, aggregate: runs.aggregate(confidence: confidence), missingRuns: missing)
    }

    /// Merges and writes `out/runs.csv`, `out/aggregate.csv` and — when the shards carry one —
    /// `out/sweep.json` (the grid, which every shard's file must agree on, and the constants of
    /// the merged rows: the same bytes as the unsharded sweep's).
    ///
    /// - Throws: ``SweepError/manifestMismatch(file:)`` when shards' grids differ.
    @discardableResult
    public static func mergeAndWrite(_ directories: [URL], to out: URL) throws -> Result {
        var grid: (parameters: [SweepParameter], replications: Int, runs: Int, combinations: Int)?
        for (k, dir) in directories.enumerated() {
            let g = try SweepManifest.readGrid(in: dir)
            if k == 0 { grid = g; continue }
            let same = g?.parameters == grid?.parameters && g?.replications == grid?.replications
                && g?.runs == grid?.runs && g?.combinations == grid?.combinations
            guard same else { throw SweepError.manifestMismatch(file: dir.appendingPathComponent(SweepManifest.file).path) }
        }
        let r = try merge(directories)
        try SweepOutputs.write(runs: r.runs, aggregate: r.aggregate, to: out)
        if let g = grid {
            try SweepManifest(parameters: g.parameters, replications: g.replications, runs: g.runs,
                              combinations: g.combinations, shard: nil, table: r.runs).write(to: out)
        }
        return r
    }
}

/// File names of a sweep's output folder.
public enum SweepOutputs {
    public static let runsFile = "runs.csv"
    public static let aggregateFile = "aggregate.csv"
    public static let compareFile = "compare.csv"
    public static let reportFile = "report.html"
    public static let notebookFile = "analysis.ipynb"

    public static func write(runs: SweepRunsTable, aggregate: CSVTable, to out: URL) throws {
        do { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) } catch {
            throw RunOutputsError.cannotWrite(out.path)
        }
        try runs.write(to: out.appendingPathComponent(runsFile))
        let url = out.appendingPathComponent(aggregateFile)
        do { try Data(aggregate.text.utf8).write(to: url) } catch { throw RunOutputsError.cannotWrite(url.path) }
    }
}
