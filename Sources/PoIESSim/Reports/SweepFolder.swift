import Foundation
import MiningCore

/// A sweep's output folder as the sweep report and notebook read it: `runs.csv` (required),
/// `aggregate.csv` (recomputed from `runs.csv` when absent), `sweep.json` and `compare.csv`
/// (optional), with the swept parameters and their values in grid order.
public struct SweepFolder: Sendable {
    public var directory: URL
    public var runs: SweepRunsTable
    public var aggregate: CSVTable
    public var manifest: JSONValue?
    public var compare: CSVTable?

    /// True when `dir` holds a sweep (`runs.csv`) rather than a run (`blocks.csv`).
    public static func isSweep(_ dir: URL) -> Bool {
        FileManager.default.fileExists(atPath: dir.appendingPathComponent(SweepOutputs.runsFile).path)
    }

    public static func load(_ dir: URL) throws -> SweepFolder {
        let runs = try SweepRunsTable.read(dir.appendingPathComponent(SweepOutputs.runsFile))
        let aggURL = dir.appendingPathComponent(SweepOutputs.aggregateFile)
        let aggregate = FileManager.default.fileExists(atPath: aggURL.path) ? try CSVReader(url: aggURL).readTable() : runs.aggregate()
        let manifestData = FileManager.default.contents(atPath: dir.appendingPathComponent(SweepManifest.file).path)
        let manifest = manifestData.flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) }
        let cmpURL = dir.appendingPathComponent(SweepOutputs.compareFile)
        let compare = FileManager.default.fileExists(atPath: cmpURL.path) ? try CSVReader(url: cmpURL).readTable() : nil
        return SweepFolder(directory: dir, runs: runs, aggregate: aggregate, manifest: manifest, compare: compare)
    }

    /// The swept keys (without `param:`), in `--set` order.
    public var parameterKeys: [String] {
        aggregate.header.filter { $0.hasPrefix(SweepRunsTable.parameterPrefix) }.map { String($0.dropFirst(SweepRunsTable.parameterPrefix.count)) }
    }

    /// Each parameter's values in order of first appearance (grid order).
    public var parameterValues: [[String]] {
        parameterKeys.indices.map { j in
            var seen = Set<String>(), out: [String] = []
            for r in aggregate.rows where j < r.count && seen.insert(r[j]).inserted { out.append(r[j]) }
            return out
        }
    }

    /// Metrics that have a `.mean` column in `aggregate.csv`, in its order.
    public var metrics: [String] {
        aggregate.header.compactMap { $0.hasSuffix(".mean") ? String($0.dropLast(5)) : nil }
    }

    /// Metrics whose mean is non-zero in some combination.
    public var nonZeroMetrics: Set<String> {
        Set(metrics.filter { m in
            guard let c = aggregate.column(m + ".mean") else { return false }
            return aggregate.rows.contains { c < $0.count && (Double($0[c]) ?? 0) != 0 }
        })
    }

    /// The scenario's name (from `sweep.json` or `runs.csv`).
    public var scenarioName: String {
        if case .object(let o)? = manifest, case .object(let c)? = o["constants"], case .string(let s)? = c["scenario"] { return s }
        if let c = runs.table.column("scenario"), let r = runs.table.rows.first, c < r.count { return r[c] }
        return directory.standardizedFileURL.lastPathComponent
    }

    /// One cell of `aggregate.csv` as a number (nil when empty or absent).
    public func value(row: [String], _ column: String) -> Double? {
        guard let c = aggregate.column(column), c < row.count else { return nil }
        return Double(row[c]).flatMap { $0.isFinite ? $0 : nil }
    }
}
