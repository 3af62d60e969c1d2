import Foundation

/// Paired comparisons on common random numbers. Replication r of every grid point (and of both
/// scenarios of `simctl compare A.toml B.toml`) draws from the same random streams (keyed by the
/// seed and r), so the outcomes of two configurations are positively correlated and the
/// per-replication differences `d_r = B_r − A_r` vary less than the two samples do. The mean
/// paired difference then has a narrower interval than the difference of two independent means.
///
/// `compare.csv` columns: `combination` (its index in grid order), the compared combination's
/// `param:` values, `metric`, `n` (replications present in both), `baseline.mean` (A), `mean` (B),
/// `diff.mean`, `diff.sd`, `diff.ci95_low`, `diff.ci95_high` (mean d ± t(0.975, n−1)·sd_d/√n),
/// `unpaired.ci95_low`, `unpaired.ci95_high` (the two-sample interval the same data would give
/// without pairing: ± t(0.975, 2n−2)·√((s_A² + s_B²)/n)), `varianceReduction` =
/// (s_A² + s_B²) / s_d² (how many times more unpaired replications the same precision would
/// take) and `correlation` (Pearson, A against B). Undefined values (n < 2, s_d = 0) are empty.
public enum PairedComparison {
    public struct Result: Sendable, Equatable {
        public var n: Int
        public var meanA: Double
        public var meanB: Double
        public var diff: SweepAggregate.Stats
        public var unpairedLow: Double
        public var unpairedHigh: Double
        public var varianceReduction: Double
        public var correlation: Double

        public var pairedHalfWidth: Double { (diff.ciHigh - diff.ciLow) / 2 }
        public var unpairedHalfWidth: Double { (unpairedHigh - unpairedLow) / 2 }
    }

    /// Compares paired samples (`a[i]` and `b[i]` from the same replication).
    public static func compare(a: [Double], b: [Double], confidence: Double = 0.95) -> Result {
        precondition(a.count == b.count)
        let n = a.count
        let d = zip(b, a).map { $0 - $1 }
        let diff = SweepAggregate.stats(d, confidence: confidence)
        let sa = SweepAggregate.stats(a, confidence: confidence), sb = SweepAggregate.stats(b, confidence: confidence)
        guard n > 1 else {
            return Result(n: n, meanA: sa.mean, meanB: sb.mean, diff: diff, unpairedLow: .nan, unpairedHigh: .nan,
                          varianceReduction: .nan, correlation: .nan)
        }
        let va = sa.sd * sa.sd, vb = sb.sd * sb.sd
        let half = StudentT.criticalValue(confidence, df: 2 * n - 2) * ((va + vb) / Double(n)).squareRoot()
        let delta = sb.mean - sa.mean
        let vd = diff.sd * diff.sd
        var cov = 0.0
        for i in 0..<n { cov += (a[i] - sa.mean) * (b[i] - sb.mean) }
        cov /= Double(n - 1)
        let corr = va > 0 && vb > 0 ? cov / (va * vb).squareRoot() : .nan
        return Result(n: n, meanA: sa.mean, meanB: sb.mean, diff: diff, unpairedLow: delta - half, unpairedHigh: delta + half,
                      varianceReduction: vd > 0 ? (va + vb) / vd : .nan, correlation: corr)
    }

    public static let header = ["combination", "metric", "n", "baseline.mean", "mean", "diff.mean", "diff.sd",
                                "diff.ci95_low", "diff.ci95_high", "unpaired.ci95_low", "unpaired.ci95_high",
                                "varianceReduction", "correlation"]

    /// Every combination of `runs` against combination `baseline` (0-based, grid order), per
    /// metric, paired by the `replication` column. Rows: combination order, then metric order of
    /// `runs.csv`; the baseline itself is left out.
    ///
    /// - Throws: ``SweepError/badBaseline(_:combinations:)`` when `baseline` is out of range.
    public static func table(_ runs: SweepRunsTable, baseline: Int, confidence: Double = 0.95) throws(SweepError) -> CSVTable {
        let t = runs.table
        let params = runs.parameterColumns
        guard let rc = t.column(SweepRunsTable.replicationColumn) else {
            throw .missingColumn(file: SweepOutputs.runsFile, column: SweepRunsTable.replicationColumn)
        }
        let metrics = runs.metricColumns.filter { c in t.rows.contains { c < $0.count && Double($0[c]) != nil } }
        var order: [[String]] = []
        var groups: [[String]: [String: [String]]] = [:]  // combination → replication → row
        for r in t.rows {
            let key = params.map { $0 < r.count ? r[$0] : "" }
            if groups[key] == nil { order.append(key) }
            groups[key, default: [:]][rc < r.count ? r[rc] : ""] = r
        }
        guard baseline >= 0, baseline < order.count else { throw .badBaseline(baseline, combinations: order.count) }
        let base = groups[order[baseline]]!
        var header = [Self.header[0]] + params.map { t.header[$0] } + Array(Self.header.dropFirst())
        if confidence != 0.95 {
            let c = "ci\(Int((confidence * 100).rounded()))"
            header = header.map { $0.replacingOccurrences(of: "ci95", with: c) }
        }
        var rows: [[String]] = []
        for (k, key) in order.enumerated() where k != baseline {
            let g = groups[key]!
            // Replications present in both, in numeric order.
            let reps = g.keys.filter { base[$0] != nil }.sorted { (Int($0) ?? 0, $0) < (Int($1) ?? 0, $1) }
            for c in metrics {
                var a: [Double] = [], b: [Double] = []
                for rep in reps {
                    guard let x = Double(base[rep]![c]), let y = Double(g[rep]![c]), x.isFinite, y.isFinite else { continue }
                    a.append(x)
                    b.append(y)
                }
                let r = compare(a: a, b: b, confidence: confidence)
                rows.append([String(k)] + key + [t.header[c], String(r.n)] + [
                    r.meanA, r.meanB, r.diff.mean, r.diff.sd, r.diff.ciLow, r.diff.ciHigh,
                    r.unpairedLow, r.unpairedHigh, r.varianceReduction, r.correlation,
                ].map(NumberFormat.cell))
            }
        }
        return CSVTable(header: header, rows: rows)
    }
}
