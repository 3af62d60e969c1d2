import Foundation
import MiningCore

/// `runs.csv`: one row per simulation of a sweep — `run`, `replication`, the swept parameters as
/// `param:<key.path>` columns, then the run's flattened `summary.json` fields
/// (`meanInterval`, `psiShareByType.AI`, `group.pool-a.blockShare`, …) in code-point order.
///
/// The column roles are read from the header alone, so `simctl merge` can recompute
/// `aggregate.csv` from shard outputs without the scenario.
public struct SweepRunsTable: Sendable, Equatable {
    public static let runColumn = "run"
    public static let replicationColumn = "replication"
    /// Columns that identify a run and are neither parameters nor metrics.
    public static let idColumns: Set<String> = [runColumn, replicationColumn, "seed"]
    /// `summary.json` fields that describe the configuration, not an outcome: kept in `runs.csv`
    /// (one row stays a complete record) but not aggregated; `sweep.json` lists their values.
    public static let configurationColumns: Set<String> = ["scenario", "seed", "replications", "targetInterval", "warmupBlocks",
                                                           "thetaMinNats", "thetaMaxNats", "description"]
    public static let parameterPrefix = "param:"

    public var table: CSVTable

    public init(table: CSVTable) { self.table = table }

    /// One finished run as the cells of its row: the flattened summary fields as CSV text.
    public struct Record: Sendable, Equatable {
        public var run: SweepRun
        public var cells: [Cell]

        public struct Cell: Sendable, Equatable {
            public var name: String
            public var value: String
        }

        public init(run: SweepRun, cells: [Cell]) {
            self.run = run
            self.cells = cells
        }

        public init(run: SweepRun, summary: RunSummary) {
            self.init(run: run, cells: summary.fields.map { Cell(name: $0.name, value: RunSummary.cell($0.value)) })
        }
    }

    /// Builds the table from finished runs (any order; rows come out by run index).
    public init(parameterKeys: [String], results: [(run: SweepRun, summary: RunSummary)]) {
        self.init(parameterKeys: parameterKeys, records: results.map { Record(run: $0.run, summary: $0.summary) })
    }

    /// Builds the table from finished runs' records (any order; rows come out by run index).
    ///
    /// Metric columns are the union of the records' field names; when any run reports
    /// `psiShareByType`, all five proof types get a column so that every shard of a sweep writes
    /// the same header.
    public init(parameterKeys: [String], records: [Record]) {
        var metrics = Set<String>()
        for r in records { for f in r.cells { metrics.insert(f.name) } }
        if metrics.contains(where: { $0.hasPrefix("psiShareByType.") }) {
            for t in ProofType.allCases { metrics.insert("psiShareByType." + t.policyName) }
        }
        let metricNames = metrics.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
        let header = [Self.runColumn, Self.replicationColumn] + parameterKeys.map { Self.parameterPrefix + $0 } + metricNames
        let rows = records.sorted { $0.run.index < $1.run.index }.map { r -> [String] in
            var values: [String: String] = [:]
            for f in r.cells { values[f.name] = f.value }
            if metrics.contains("psiShareByType.AI") {
                for t in ProofType.allCases where values["psiShareByType." + t.policyName] == nil {
                    values["psiShareByType." + t.policyName] = "0"
                }
            }
            return [String(r.run.index), String(r.run.replication)] + r.run.assignments.map(\.value)
                + metricNames.map { values[$0] ?? "" }
        }
        table = CSVTable(header: header, rows: rows)
    }

    public var header: [String] { table.header }
    public var parameterColumns: [Int] { table.header.indices.filter { table.header[$0].hasPrefix(Self.parameterPrefix) } }
    /// Outcome columns: everything but identifiers, parameters and configuration fields.
    public var metricColumns: [Int] {
        table.header.indices.filter {
            let h = table.header[$0]
            return !Self.idColumns.contains(h) && !Self.configurationColumns.contains(h) && !h.hasPrefix(Self.parameterPrefix)
        }
    }

    /// Configuration columns present in the header.
    public var configurationColumnIndices: [Int] {
        table.header.indices.filter { Self.configurationColumns.contains(table.header[$0]) }
    }

    public static func read(_ url: URL) throws -> SweepRunsTable {
        guard FileManager.default.fileExists(atPath: url.path) else { throw SweepError.missingFile(url.path) }
        return SweepRunsTable(table: try CSVReader(url: url).readTable())
    }

    public func write(to url: URL) throws {
        do { try Data(table.text.utf8).write(to: url) } catch { throw RunOutputsError.cannotWrite(url.path) }
    }

    /// The per-combination statistics (see ``SweepAggregate``).
    public func aggregate(confidence: Double = 0.95) -> CSVTable {
        SweepAggregate.aggregate(self, confidence: confidence)
    }
}

/// Mean, sample standard deviation and a t-based confidence interval of each metric, per
/// combination of the swept parameters (rows in order of first appearance in `runs.csv`).
///
/// `aggregate.csv` columns: the `param:` columns, `runs` (rows in the group), then for each metric
/// `<metric>.n`, `<metric>.mean`, `<metric>.sd`, `<metric>.ci95_low`, `<metric>.ci95_high`.
/// Only numeric cells count; a metric with no numeric cell anywhere (a name, say) is left out.
/// With n = 1 the sd and the interval are empty (undefined), not zero.
public enum SweepAggregate {
    public struct Stats: Sendable, Equatable {
        public var n: Int
        public var mean: Double
        public var sd: Double
        public var ciLow: Double
        public var ciHigh: Double
    }

    /// Statistics of one sample: sd with n − 1 in the denominator; the interval
    /// `mean ± t(confidence, n − 1) · sd / √n`.
    public static func stats(_ xs: [Double], confidence: Double = 0.95) -> Stats {
        let n = xs.count
        guard n > 0 else { return Stats(n: 0, mean: .nan, sd: .nan, ciLow: .nan, ciHigh: .nan) }
        let mean = xs.reduce(0, +) / Double(n)
        guard n > 1 else { return Stats(n: 1, mean: mean, sd: .nan, ciLow: .nan, ciHigh: .nan) }
        let ss = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        let sd = (ss / Double(n - 1)).squareRoot()
        let half = StudentT.criticalValue(confidence, df: n - 1) * sd / Double(n).squareRoot()
        return Stats(n: n, mean: mean, sd: sd, ciLow: mean - half, ciHigh: mean + half)
    }

    public static func aggregate(_ runs: SweepRunsTable, confidence: Double = 0.95) -> CSVTable {
        let t = runs.table
        let params = runs.parameterColumns
        let metrics = runs.metricColumns.filter { c in t.rows.contains { c < $0.count && Double($0[c]) != nil } }
        let ciName = "ci\(Int((confidence * 100).rounded()))"
        var header = params.map { t.header[$0] } + ["runs"]
        for c in metrics {
            let m = t.header[c]
            header += ["\(m).n", "\(m).mean", "\(m).sd", "\(m).\(ciName)_low", "\(m).\(ciName)_high"]
        }
        var order: [[String]] = []
        var groups: [[String]: [[String]]] = [:]
        for r in t.rows {
            let key = params.map { $0 < r.count ? r[$0] : "" }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        let rows = order.map { key -> [String] in
            let g = groups[key]!
            var row = key + [String(g.count)]
            for c in metrics {
                let xs = g.compactMap { c < $0.count ? Double($0[c]) : nil }.filter(\.isFinite)
                let s = stats(xs, confidence: confidence)
                row += [String(s.n), NumberFormat.cell(s.mean), NumberFormat.cell(s.sd),
                        NumberFormat.cell(s.ciLow), NumberFormat.cell(s.ciHigh)]
            }
            return row
        }
        return CSVTable(header: header, rows: rows)
    }
}
