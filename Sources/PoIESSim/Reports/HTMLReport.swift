import Foundation
import MiningCore

/// `report.html` for one run folder: a self-contained XHTML page (inline CSS and SVG, no scripts)
/// with the interval histogram against the exponential, Θ over time, block share against hashrate
/// share, ψ credited by type and the summary table.
public struct HTMLReport {
    public var title: String
    public var digest: BlocksDigest
    public var miners: MinerShares?
    public var summary: RunSummary?

    /// The `id`s of the page's charts, in page order.
    public static let chartIDs = ["intervals", "theta", "shares", "psi"]

    public init(title: String, digest: BlocksDigest, miners: MinerShares?, summary: RunSummary?) {
        self.title = title
        self.digest = digest
        self.miners = miners
        self.summary = summary
    }

    /// Reads `dir`'s `blocks.csv` (required, one pass), `miners.csv` and `summary.json` (optional).
    public static func load(directory dir: URL, options: BlocksDigest.Options = .init()) throws -> HTMLReport {
        let digest = try BlocksDigest.read(dir.appendingPathComponent(RunOutputs.blocksFile), options: options)
        let minersURL = dir.appendingPathComponent(RunOutputs.minersFile)
        let miners = FileManager.default.fileExists(atPath: minersURL.path) ? try MinerShares.read(minersURL) : nil
        let summaryURL = dir.appendingPathComponent(RunOutputs.summaryFile)
        let summary = FileManager.default.fileExists(atPath: summaryURL.path) ? try RunSummary(contentsOf: summaryURL) : nil
        let name = summary?["scenario"].flatMap { if case .string(let s) = $0 { s } else { nil } }
            ?? dir.standardizedFileURL.lastPathComponent
        return HTMLReport(title: "PoIES simulation report: \(name)", digest: digest, miners: miners, summary: summary)
    }

    /// Writes `dir/report.html` and returns its URL.
    @discardableResult
    public static func write(directory dir: URL, options: BlocksDigest.Options = .init()) throws -> URL {
        let page = try load(directory: dir, options: options).html()
        let url = dir.appendingPathComponent(RunOutputs.reportFile)
        do { try Data(page.utf8).write(to: url) } catch { throw RunOutputsError.cannotWrite(url.path) }
        return url
    }

    // MARK: Charts

    public func intervalChart() -> String {
        let h = digest.intervals
        let counts = h.finalCounts
        let mean = h.mean
        let width = h.upper > 0 ? h.binWidth : 1
        let xMax = h.upper > 0 ? h.upper : 1
        // Expected count in a bin of width w at x under Exp(mean): N·w/μ·e^{−x/μ}.
        let model: (Double) -> Double = { x in
            mean > 0 ? Double(h.total) * width / mean * exp(-x / mean) : 0
        }
        let yMax = AxisTicks.niceCeiling(max(Double(counts.max() ?? 0), model(0)))
        var p = SVGPlot(title: "Block intervals (n = \(h.total)) against the exponential with the same mean",
                        xLabel: "interval (s)", yLabel: "blocks per bin", x: 0...xMax, y: 0...yMax)
        for (i, c) in counts.enumerated() {
            let (lo, hi) = (Double(i) * width, Double(i + 1) * width)
            p.bar(x0: lo, x1: hi, value: Double(c),
                  tooltip: "[\(NumberFormat.short(lo)), \(NumberFormat.short(hi))) s: \(c)")
        }
        if mean.isFinite, mean > 0 {
            let pts = (0...200).map { k -> (x: Double, y: Double) in
                let x = xMax * Double(k) / 200
                return (x, min(model(x), yMax))
            }
            p.polyline(pts, cls: "model")
        }
        p.addLegend(cls: "bar", label: "observed")
        p.addLegend(cls: "model", label: "exponential, mean \(NumberFormat.short(mean)) s")
        return p.render(id: "intervals")
    }

    public func thetaChart() -> String {
        let series = digest.theta.keys.sorted().map { ($0, digest.theta[$0]!.points) }
        let all = series.flatMap(\.1)
        let xs = all.map(\.x), ys = all.map { $0.y / 1e6 }
        let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        let pad = max((y1 - y0) * 0.05, abs(y1) * 1e-3, 1e-9)
        y0 -= pad; y1 += pad
        let reps = series.map { String($0.0) }.joined(separator: ", ")
        var p = SVGPlot(title: "Θ over time (replication \(reps.isEmpty ? "–" : reps))",
                        xLabel: "time (s)", yLabel: "Θ (theta_micro / 10⁶)", x: x0...x1, y: y0...y1)
        for (k, (rep, pts)) in series.enumerated() {
            let cls = "series s\(k % 6)"
            p.polyline(pts.map { ($0.x, $0.y / 1e6) }, cls: cls)
            p.addLegend(cls: cls, label: "replication \(rep)")
        }
        return p.render(id: "theta")
    }

    public func shareChart() -> String {
        let ms = miners?.miners ?? []
        let top = AxisTicks.niceCeiling(max(ms.map(\.hashrateShare).max() ?? 0, ms.map(\.blockShare).max() ?? 0, 0.01))
        var p = SVGPlot(title: "Block share against hashrate share (\(ms.count) miners)",
                        xLabel: "hashrate share", yLabel: "block share", x: 0...top, y: 0...top)
        p.polyline([(0, 0), (top, top)], cls: "diagonal")
        for m in ms {
            p.point(x: m.hashrateShare, y: m.blockShare,
                    tooltip: "\(m.name): hashrate \(NumberFormat.short(m.hashrateShare)), blocks \(NumberFormat.short(m.blockShare)) (\(m.blocks))")
        }
        p.addLegend(cls: "point", label: "miner")
        p.addLegend(cls: "diagonal", label: "y = x")
        return p.render(id: "shares")
    }

    /// Share of credited ψ by type; the five proof types always appear (absent columns count 0).
    public var psiShares: [(type: ProofType, total: Double, share: Double)] {
        let sum = digest.psiByType.values.reduce(0, +)
        return ProofType.allCases.map { t in
            let v = digest.psiByType[t] ?? 0
            return (t, v, sum > 0 ? v / sum : 0)
        }
    }

    public func psiChart() -> String {
        let shares = psiShares
        var p = SVGPlot(title: "ψ credited by proof type (share of Σψ over main-chain blocks)",
                        xLabel: "proof type", yLabel: "share of credited ψ", x: 0...Double(shares.count), y: 0...1)
        p.xCategoryTicks = shares.enumerated().map { (Double($0.offset) + 0.5, $0.element.type.policyName) }
        for (i, s) in shares.enumerated() {
            p.bar(x0: Double(i) + 0.15, x1: Double(i) + 0.85, value: s.share, cls: "bar t\(i)",
                  tooltip: "\(s.type.policyName): \(NumberFormat.short(s.share * 100))% (\(NumberFormat.short(s.total / 1e6)) ψ)")
        }
        return p.render(id: "psi")
    }

    // MARK: Tables and page

    func psiTable() -> String {
        var s = "<table class=\"psi\"><thead><tr><th>type</th><th>Σψ credited (micro)</th><th>mean per block (micro)</th><th>share</th></tr></thead><tbody>"
        let n = Double(max(digest.intervals.total, 1))
        for r in psiShares {
            s += "<tr><td>\(r.type.policyName)</td><td>\(NumberFormat.cell(r.total))</td><td>\(NumberFormat.short(r.total / n))</td><td>\(NumberFormat.short(r.share * 100))%</td></tr>"
        }
        s += "</tbody></table>"
        return s
    }

    func summaryTable() -> String {
        var rows: [(String, String)] = [
            ("blocks.csv rows", String(digest.rows)),
            ("orphaned rows", String(digest.orphans)),
            ("replications", String(digest.replications.count)),
            ("mean interval from blocks.csv (s)", NumberFormat.short(digest.intervals.mean, digits: 6)),
        ]
        for f in summary?.fields ?? [] {
            let text: String
            if let d = RunSummary.number(of: f.value), case .double = f.value { text = NumberFormat.short(d, digits: 6) } else { text = RunSummary.cell(f.value) }
            rows.append(("summary.json: " + f.name, text))
        }
        var s = "<table class=\"summary\"><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>"
        for (k, v) in rows { s += "<tr><td>\(XMLText.escape(k))</td><td>\(XMLText.escape(v))</td></tr>" }
        s += "</tbody></table>"
        return s
    }

    /// `ThetaBoundCheck`'s warnings from `summary.json`'s `thetaAtMinShare` / `thetaAtMaxShare`
    /// (none without a summary, or for a run folder written before those fields existed).
    public var thetaBoundWarnings: [String] {
        guard let summary else { return [] }
        return ThetaBoundCheck.warnings(atMinShare: summary.number("thetaAtMinShare") ?? 0,
                                        atMaxShare: summary.number("thetaAtMaxShare") ?? 0, bounds: nil)
    }

    static let css = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 72em; }
        h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
        p.warning { background: #fff4e5; border-left: 4px solid #f58518; padding: 0.5em 0.8em; }
        table { border-collapse: collapse; margin: 1em 0; }
        td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-variant-numeric: tabular-nums; }
        svg.chart { display: block; margin: 1em 0; background: #fff; }
        svg .title { font-size: 14px; font-weight: 600; }
        svg .ticklabel, svg .legendlabel { font-size: 11px; fill: #333; }
        svg .axislabel { font-size: 12px; fill: #222; }
        svg .axis { stroke: #222; stroke-width: 1; }
        svg .tick { stroke: #222; }
        svg .grid { stroke: #e4e4e4; }
        svg .bar { fill: #4c78a8; }
        svg .bar.t1 { fill: #f58518; } svg .bar.t2 { fill: #54a24b; } svg .bar.t3 { fill: #b279a2; } svg .bar.t4 { fill: #e45756; }
        svg .model { fill: none; stroke: #e45756; stroke-width: 2; }
        svg .legend.model { fill: #e45756; stroke: none; }
        svg .diagonal { fill: none; stroke: #888; stroke-dasharray: 4 3; }
        svg .legend.diagonal { fill: #888; stroke: none; }
        svg .point { fill: #4c78a8; fill-opacity: 0.75; }
        svg .series { fill: none; stroke-width: 1.2; }
        svg .series.s0 { stroke: #4c78a8; } svg .series.s1 { stroke: #f58518; } svg .series.s2 { stroke: #54a24b; }
        svg .series.s3 { stroke: #b279a2; } svg .series.s4 { stroke: #e45756; } svg .series.s5 { stroke: #72b7b2; }
        svg .legend.series.s0 { fill: #4c78a8; } svg .legend.series.s1 { fill: #f58518; } svg .legend.series.s2 { fill: #54a24b; }
        svg .legend.series.s3 { fill: #b279a2; } svg .legend.series.s4 { fill: #e45756; } svg .legend.series.s5 { fill: #72b7b2; }
        """

    /// The whole page (well-formed XHTML, UTF-8).
    public func html() -> String {
        var s = "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        s += "<title>\(XMLText.escape(title))</title>\n<style>\n\(Self.css)\n</style>\n</head>\n<body>\n"
        s += "<h1>\(XMLText.escape(title))</h1>\n"
        s += "<p>Generated by <code>simctl report</code> from <code>blocks.csv</code>, <code>miners.csv</code> and <code>summary.json</code>. "
        s += "Θ is charted for the first \(digest.options.thetaReplications) replication(s), downsampled to at most \(digest.options.maxThetaPoints) points (minimum and maximum per time bucket).</p>\n"
        s += "<h2>Summary</h2>\n"
        for w in thetaBoundWarnings { s += "<p class=\"warning\">Warning: \(XMLText.escape(w)).</p>\n" }
        s += summaryTable() + "\n"
        s += "<h2>Block intervals</h2>\n" + intervalChart() + "\n"
        s += "<h2>Difficulty Θ</h2>\n" + thetaChart() + "\n"
        s += "<h2>Fairness</h2>\n" + shareChart() + "\n"
        if miners == nil { s += "<p>miners.csv not found: no per-miner shares.</p>\n" }
        s += "<h2>Useful work</h2>\n" + psiChart() + "\n" + psiTable() + "\n"
        s += "</body>\n</html>\n"
        return s
    }
}
