import Foundation
import MiningCore

/// `report.html` for a sweep folder: one dot-and-whisker panel per chosen metric — the mean of
/// each parameter combination with its 95% t-interval, against the first swept parameter (its
/// values as categories, in grid order), one series per value of the other parameters — then the
/// paired comparisons of `compare.csv` when present, and the aggregate table with units. The
/// same self-contained XHTML as the run report (inline CSS and SVG, no scripts).
public struct SweepReport {
    public var folder: SweepFolder
    public var metrics: [String]

    /// - Parameter metrics: the panels; empty means ``MetricCatalog/sweepDefaults(available:nonZero:)``.
    /// - Throws: ``SweepReportError/unknownMetric(_:available:)`` for a metric the sweep lacks.
    public init(folder: SweepFolder, metrics: [String] = []) throws(SweepReportError) {
        self.folder = folder
        let available = folder.metrics
        for m in metrics where !available.contains(m) { throw .unknownMetric(m, available: available) }
        self.metrics = metrics.isEmpty ? MetricCatalog.sweepDefaults(available: available, nonZero: folder.nonZeroMetrics) : metrics
    }

    public var title: String { "PoIES sweep report: \(folder.scenarioName)" }

    /// One series of a panel: the label (the non-first parameters' values) and its rows by category.
    struct Series {
        var label: String
        var rows: [Int: [String]]
    }

    /// The categories (first parameter's values) and the series (the other parameters' combinations).
    var layout: (categories: [String], series: [Series]) {
        let keys = folder.parameterKeys
        guard !keys.isEmpty else { return (["all runs"], [Series(label: "", rows: Dictionary(uniqueKeysWithValues: folder.aggregate.rows.prefix(1).map { (0, $0) }))]) }
        let cats = folder.parameterValues[0]
        var order: [[String]] = [], byKey: [[String]: Series] = [:]
        for r in folder.aggregate.rows {
            let rest = Array(r[1..<keys.count])
            if byKey[rest] == nil {
                order.append(rest)
                byKey[rest] = Series(label: zip(keys.dropFirst(), rest).map { "\($0)=\($1)" }.joined(separator: ", "), rows: [:])
            }
            if let i = cats.firstIndex(of: r[0]) { byKey[rest]!.rows[i] = r }
        }
        return (cats, order.map { byKey[$0]! })
    }

    public func panel(_ metric: String, index: Int) -> String {
        let (cats, series) = layout
        let m = metric
        var lo = Double.infinity, hi = -Double.infinity
        for s in series {
            for r in s.rows.values {
                for c in [".mean", ".ci95_low", ".ci95_high"] {
                    if let v = folder.value(row: r, m + c) { lo = min(lo, v); hi = max(hi, v) }
                }
            }
        }
        if !lo.isFinite { lo = 0; hi = 1 }
        let pad = hi > lo ? (hi - lo) * 0.08 : max(abs(hi) * 0.1, 1e-9)
        let entry = MetricCatalog.entry(m)
        let xKey = folder.parameterKeys.first ?? "sweep"
        var p = SVGPlot(title: "\(entry.label) against \(xKey)", xLabel: xKey,
                        yLabel: entry.unit.isEmpty ? m : "\(m) (\(entry.unit))",
                        x: 0...Double(cats.count), y: (lo - pad)...(hi + pad))
        p.xCategoryTicks = cats.enumerated().map { (Double($0.offset) + 0.5, $0.element) }
        let spread = series.count > 1 ? 0.5 / Double(series.count) : 0
        for (k, s) in series.enumerated() {
            let cls = "s\(k % 6)"
            let dx = (Double(k) - Double(series.count - 1) / 2) * spread
            var line: [(x: Double, y: Double)] = []
            for i in cats.indices {
                guard let r = s.rows[i], let mean = folder.value(row: r, m + ".mean") else { continue }
                let x = Double(i) + 0.5 + dx
                line.append((x, mean))
                let l = folder.value(row: r, m + ".ci95_low"), h = folder.value(row: r, m + ".ci95_high")
                if let l, let h { p.polyline([(x, l), (x, h)], cls: "whisker \(cls)") }
                let n = folder.value(row: r, m + ".n").map { String(Int($0)) } ?? "?"
                let ci = (l != nil && h != nil) ? " [\(NumberFormat.short(l!)), \(NumberFormat.short(h!))]" : " (no interval: n < 2)"
                let where_ = ([xKey + "=" + cats[i]] + (s.label.isEmpty ? [] : [s.label])).joined(separator: ", ")
                p.point(x: x, y: mean, cls: "dot \(cls)", tooltip: "\(where_): \(NumberFormat.short(mean))\(ci), n = \(n)")
            }
            if line.count > 1 { p.polyline(line, cls: "series \(cls)") }
            if !s.label.isEmpty { p.addLegend(cls: "series \(cls)", label: s.label) }
        }
        return p.render(id: "metric-\(index)")
    }

    func gridParagraph() -> String {
        let keys = folder.parameterKeys, values = folder.parameterValues
        let runs = folder.runs.table.rows.count
        let combos = folder.aggregate.rows.count
        var s = "<p>\(runs) runs over \(combos) parameter combination\(combos == 1 ? "" : "s")"
        if keys.isEmpty {
            s += " (no swept parameter: replications only)"
        } else {
            s += ": " + zip(keys, values).map { "<code>\(XMLText.escape($0))</code> ∈ {\(XMLText.escape($1.joined(separator: ", ")))}" }.joined(separator: " × ")
        }
        s += ". Each panel shows a metric's mean over the replications of each combination with its 95% t-interval (mean ± t₀.₉₇₅,ₙ₋₁·sd/√n); "
        s += "hover a point for its value and n.</p>\n"
        if case .object(let o)? = folder.manifest, case .object(let c)? = o["constants"], !c.isEmpty {
            let items = JSONValue.sortedKeys(c).map { k in "\(XMLText.escape(MetricCatalog.entry(k).label)) \(XMLText.escape(RunSummary.cell(c[k]!)))" }
            s += "<p>Constant over the sweep (<code>sweep.json</code>): \(items.joined(separator: "; ")).</p>\n"
        }
        return s
    }

    func interval(_ r: [String], _ m: String) -> String {
        guard let mean = folder.value(row: r, m + ".mean") else { return "–" }
        var s = NumberFormat.short(mean)
        if let l = folder.value(row: r, m + ".ci95_low"), let h = folder.value(row: r, m + ".ci95_high") {
            s += " [\(NumberFormat.short(l)), \(NumberFormat.short(h))]"
        }
        return s
    }

    func chosenTable() -> String {
        let keys = folder.parameterKeys
        var s = "<table class=\"aggregate\"><thead><tr>"
        for k in keys { s += "<th>\(XMLText.escape(k))</th>" }
        s += "<th>runs</th>"
        for m in metrics { s += "<th>\(XMLText.escape(MetricCatalog.title(m)))<br/><code>\(XMLText.escape(m))</code></th>" }
        s += "</tr></thead><tbody>"
        let runsCol = folder.aggregate.column("runs")
        for r in folder.aggregate.rows {
            s += "<tr>"
            for j in keys.indices { s += "<td>\(XMLText.escape(r[j]))</td>" }
            s += "<td>\(runsCol.map { XMLText.escape(r[$0]) } ?? "")</td>"
            for m in metrics { s += "<td>\(XMLText.escape(interval(r, m)))</td>" }
            s += "</tr>"
        }
        return s + "</tbody></table>"
    }

    func fullTable() -> String {
        let keys = folder.parameterKeys
        var s = "<table class=\"aggregate-all\"><thead><tr>"
        for k in keys { s += "<th>\(XMLText.escape(k))</th>" }
        s += "<th>metric</th><th>unit</th><th>n</th><th>mean</th><th>sd</th><th>95% CI</th></tr></thead><tbody>"
        for r in folder.aggregate.rows {
            for m in folder.metrics {
                let e = MetricCatalog.entry(m)
                let n = folder.value(row: r, m + ".n").map { String(Int($0)) } ?? "0"
                let mean = folder.value(row: r, m + ".mean").map { NumberFormat.short($0, digits: 6) } ?? "–"
                let sd = folder.value(row: r, m + ".sd").map { NumberFormat.short($0) } ?? "–"
                var ci = "–"
                if let l = folder.value(row: r, m + ".ci95_low"), let h = folder.value(row: r, m + ".ci95_high") {
                    ci = "[\(NumberFormat.short(l, digits: 6)), \(NumberFormat.short(h, digits: 6))]"
                }
                s += "<tr>" + keys.indices.map { "<td>\(XMLText.escape(r[$0]))</td>" }.joined()
                s += "<td title=\"\(XMLText.escape(e.label))\"><code>\(XMLText.escape(m))</code></td><td>\(XMLText.escape(e.unit))</td>"
                s += "<td>\(n)</td><td>\(mean)</td><td>\(sd)</td><td>\(ci)</td></tr>"
            }
        }
        return s + "</tbody></table>"
    }

    func compareSection() -> String {
        guard let t = folder.compare, let mc = t.column("metric") else { return "" }
        let shown = Set(metrics)
        let rows = t.rows.filter { mc < $0.count && shown.contains($0[mc]) }
        let params = t.header.indices.filter { t.header[$0].hasPrefix(SweepRunsTable.parameterPrefix) }
        func cell(_ r: [String], _ n: String) -> Double? { t.column(n).flatMap { $0 < r.count ? Double(r[$0]) : nil }.flatMap { $0.isFinite ? $0 : nil } }
        func ci(_ r: [String], _ a: String, _ b: String) -> String {
            guard let l = cell(r, a), let h = cell(r, b) else { return "–" }
            return "[\(NumberFormat.short(l)), \(NumberFormat.short(h))]"
        }
        var s = "<h2>Paired comparisons (<code>compare.csv</code>)</h2>\n"
        s += "<p>Each combination against the baseline, replication by replication (common random numbers): the mean paired difference with its 95% interval, "
        s += "the interval the same runs give unpaired, and the variance-reduction factor (s_A² + s_B²)/s_d². Shown for the charted metrics; compare.csv has all.</p>\n"
        s += "<table class=\"compare\"><thead><tr>" + params.map { "<th>\(XMLText.escape(String(t.header[$0].dropFirst(SweepRunsTable.parameterPrefix.count))))</th>" }.joined()
        s += "<th>metric</th><th>n</th><th>baseline</th><th>this</th><th>difference</th><th>paired 95% CI</th><th>unpaired 95% CI</th><th>variance reduction</th></tr></thead><tbody>"
        for r in rows {
            s += "<tr>" + params.map { "<td>\(XMLText.escape(r[$0]))</td>" }.joined()
            s += "<td><code>\(XMLText.escape(r[mc]))</code></td><td>\(XMLText.escape(t.column("n").map { r[$0] } ?? ""))</td>"
            for n in ["baseline.mean", "mean", "diff.mean"] { s += "<td>\(cell(r, n).map { NumberFormat.short($0) } ?? "–")</td>" }
            s += "<td>\(ci(r, "diff.ci95_low", "diff.ci95_high"))</td><td>\(ci(r, "unpaired.ci95_low", "unpaired.ci95_high"))</td>"
            s += "<td>\(cell(r, "varianceReduction").map { NumberFormat.short($0, digits: 3) } ?? "–")</td></tr>"
        }
        return s + "</tbody></table>\n"
    }

    static let css = HTMLReport.css + """

        svg .dot { stroke: none; }
        svg .dot.s0 { fill: #4c78a8; } svg .dot.s1 { fill: #f58518; } svg .dot.s2 { fill: #54a24b; }
        svg .dot.s3 { fill: #b279a2; } svg .dot.s4 { fill: #e45756; } svg .dot.s5 { fill: #72b7b2; }
        svg .whisker { fill: none; stroke-width: 1.5; }
        svg .whisker.s0 { stroke: #4c78a8; } svg .whisker.s1 { stroke: #f58518; } svg .whisker.s2 { stroke: #54a24b; }
        svg .whisker.s3 { stroke: #b279a2; } svg .whisker.s4 { stroke: #e45756; } svg .whisker.s5 { stroke: #72b7b2; }
        details { margin: 1em 0; }
        """

    public func html() -> String {
        var s = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        s += "<title>\(XMLText.escape(title))</title>\n<style>\n\(Self.css)\n</style>\n</head>\n<body>\n"
        s += "<h1>\(XMLText.escape(title))</h1>\n"
        s += "<p>Generated by <code>simctl report</code> from <code>runs.csv</code>, <code>aggregate.csv</code>, <code>sweep.json</code>"
        s += folder.compare == nil ? "" : " and <code>compare.csv</code>"
        s += ". docs/METRICS.md defines every metric.</p>\n"
        s += gridParagraph()
        s += "<h2>Metrics against the swept parameters</h2>\n"
        for (i, m) in metrics.enumerated() { s += panel(m, index: i) + "\n" }
        s += compareSection()
        s += "<h2>Aggregate (charted metrics, mean [95% CI])</h2>\n" + chosenTable() + "\n"
        s += "<details><summary>Every metric of <code>aggregate.csv</code></summary>\n" + fullTable() + "\n</details>\n"
        s += "</body>\n</html>\n"
        return s
    }
}

/// Why a sweep report could not be drawn.
public enum SweepReportError: Error, Equatable, CustomStringConvertible {
    case unknownMetric(String, available: [String])

    public var description: String {
        switch self {
        case .unknownMetric(let m, let a):
            return "--metric \(m): not a metric of this sweep's aggregate.csv (available: \(a.joined(separator: ", ")))"
        }
    }
}
