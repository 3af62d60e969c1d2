import Foundation
import MiningCore

/// `report.html` for one run folder: a self-contained XHTML page (inline CSS and SVG, no scripts)
/// that opens with what the scenario asks (its `description`) and what the run found, then the
/// summary with people's names, units and 95% intervals across replications, the interval
/// histogram against the exponential, Θ over time in nats with the rule's bounds, block share
/// against hashrate share (labelled points and a per-group table), ψ credited by type and over
/// time. Warm-up blocks (`height < warmupBlocks`, heights counting from 0 of summary.json) are left out and the page says
/// how many.
public struct HTMLReport {
    public var title: String
    public var digest: BlocksDigest
    public var miners: MinerShares?
    public var summary: RunSummary?

    /// The `id`s of the page's charts, in page order.
    public static let chartIDs = ["intervals", "theta", "shares", "psi", "psi-time"]

    public init(title: String, digest: BlocksDigest, miners: MinerShares?, summary: RunSummary?) {
        self.title = title
        self.digest = digest
        self.miners = miners
        self.summary = summary
    }

    /// Reads `dir`'s `blocks.csv` (required, one pass), `miners.csv` and `summary.json` (optional).
    /// The warm-up length comes from summary.json's `warmupBlocks` unless `options` sets one.
    public static func load(directory dir: URL, options: BlocksDigest.Options = .init()) throws -> HTMLReport {
        let summaryURL = dir.appendingPathComponent(RunOutputs.summaryFile)
        let summary = FileManager.default.fileExists(atPath: summaryURL.path) ? try RunSummary(contentsOf: summaryURL) : nil
        var options = options
        if options.warmupBlocks == 0, let w = summary?.number("warmupBlocks") { options.warmupBlocks = Int(w) }
        let digest = try BlocksDigest.read(dir.appendingPathComponent(RunOutputs.blocksFile), options: options)
        let minersURL = dir.appendingPathComponent(RunOutputs.minersFile)
        let miners = FileManager.default.fileExists(atPath: minersURL.path) ? try MinerShares.read(minersURL) : nil
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

    /// The rule's bounds in nats from summary.json (nil for `fixed` or an older summary).
    var thetaBoundsNats: (min: Double, max: Double)? {
        guard let lo = summary?.number("thetaMinNats"), let hi = summary?.number("thetaMaxNats") else { return nil }
        return (lo, hi)
    }

    /// Θ in nats against time; the rule's bounds are drawn when they lie near the data (a bound
    /// far away would flatten the series), otherwise the legend names them.
    public func thetaChart() -> String {
        let series = digest.theta.keys.sorted().map { ($0, digest.theta[$0]!.points) }
        let all = series.flatMap(\.1)
        let xs = all.map(\.x), ys = all.map { $0.y / 1e6 }
        let (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        let span = max(y1 - y0, abs(y1) * 1e-3, 1e-9)
        var drawn: [(Double, String)] = [], far: [String] = []
        if let b = thetaBoundsNats {
            for (v, name) in [(b.min, "lower"), (b.max, "upper")] {
                if v >= y0 - span, v <= y1 + span { drawn.append((v, name)); y0 = min(y0, v); y1 = max(y1, v) } else { far.append("\(name) \(NumberFormat.short(v)) nats") }
            }
        }
        let pad = max((y1 - y0) * 0.05, abs(y1) * 1e-3, 1e-9)
        y0 -= pad; y1 += pad
        let reps = series.map { String($0.0) }.joined(separator: ", ")
        var p = SVGPlot(title: "Θ over time (replication \(reps.isEmpty ? "–" : reps), after warm-up)",
                        xLabel: "time (s)", yLabel: "Θ (nats)", x: x0...x1, y: y0...y1)
        for (v, name) in drawn { p.hline(y: v, cls: "bound", tooltip: "\(name) bound \(NumberFormat.short(v)) nats") }
        for (k, (rep, pts)) in series.enumerated() {
            let cls = "series s\(k % 6)"
            p.polyline(pts.map { ($0.x, $0.y / 1e6) }, cls: cls)
            p.addLegend(cls: cls, label: "replication \(rep)")
        }
        if !drawn.isEmpty { p.addLegend(cls: "bound", label: "bound " + drawn.map { NumberFormat.short($0.0) }.joined(separator: ", ") + " nats") }
        if !far.isEmpty { p.addLegend(cls: "diagonal", label: "off-chart: " + far.joined(separator: ", ")) }
        return p.render(id: "theta")
    }

    /// "At the lower / upper bound in 0.00% / 0.12% of counted blocks" (from summary.json).
    var thetaBoundSentence: String {
        guard let s = summary, let lo = s.number("thetaAtMinShare"), let hi = s.number("thetaAtMaxShare") else { return "" }
        let b = thetaBoundsNats.map { " (bounds \(NumberFormat.short($0.min)) and \(NumberFormat.short($0.max)) nats)" } ?? ""
        return String(format: "Θ sat at the lower / upper bound in %.2f%% / %.2f%% of counted blocks", lo * 100, hi * 100) + b + "."
    }

    /// Block share against hashrate share, each point named; labels of points that would land
    /// on one another (same place within 14 px) are stacked downwards.
    public func shareChart() -> String {
        let ms = miners?.miners ?? []
        let top = AxisTicks.niceCeiling(max(ms.map(\.hashrateShare).max() ?? 0, ms.map(\.blockShare).max() ?? 0, 0.01))
        var p = SVGPlot(title: "Block share against hashrate share (\(ms.count) miner groups, pooled over replications)",
                        xLabel: "hashrate share", yLabel: "block share", x: 0...top, y: 0...top)
        p.polyline([(0, 0), (top, top)], cls: "diagonal")
        var placed: [(x: Double, y: Double)] = []
        for m in ms {
            p.point(x: m.hashrateShare, y: m.blockShare,
                    tooltip: "\(m.name): hashrate \(NumberFormat.short(m.hashrateShare)), blocks \(NumberFormat.short(m.blockShare)) (\(m.blocks))")
            let lx = p.px(m.hashrateShare), y0 = p.py(m.blockShare)
            var ly = y0
            while placed.contains(where: { abs($0.x - lx) < 60 && abs($0.y - ly) < 14 }) { ly += 14 }
            placed.append((lx, ly))
            p.label(x: m.hashrateShare, y: m.blockShare, text: m.name, dx: 6, dy: 4 + ly - y0)
        }
        p.addLegend(cls: "point", label: "miner group")
        p.addLegend(cls: "diagonal", label: "y = x")
        return p.render(id: "shares")
    }

    /// Per group: pooled hash and block share, and the block share's 95% interval over replications.
    func groupTable() -> String {
        guard let ms = miners?.miners, !ms.isEmpty else { return "" }
        var s = "<table class=\"groups\"><thead><tr><th>miner group</th><th>hash share</th><th>block share</th><th>block share 95% CI (over replications)</th><th>block − hash share</th><th>blocks</th><th>orphans</th></tr></thead><tbody>"
        for m in ms {
            let st = SweepAggregate.stats(m.blockShares)
            let ci = st.ciLow.isFinite ? "[\(NumberFormat.short(st.ciLow)), \(NumberFormat.short(st.ciHigh))]" : "– (one replication)"
            s += "<tr><td>\(XMLText.escape(m.name))</td><td>\(NumberFormat.short(m.hashrateShare))</td><td>\(NumberFormat.short(m.blockShare))</td>"
            s += "<td>\(ci)</td><td>\(NumberFormat.short(m.blockShare - m.hashrateShare))</td><td>\(m.blocks)</td><td>\(m.orphans)</td></tr>"
        }
        return s + "</tbody></table>"
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

    /// Mean credited ψ per block (nats) in each time bucket, one line per proof type credited
    /// anywhere in the charted replications.
    public func psiTimeChart() -> String {
        let tl = digest.psiTimeline
        let used = ProofType.allCases.enumerated().filter { k, _ in tl.sums.contains { $0[k] > 0 } }
        var lines: [(ProofType, [(x: Double, y: Double)])] = []
        var yMax = 0.0
        for (k, ty) in used {
            let pts = tl.blocks.indices.filter { tl.blocks[$0] > 0 }.map { i -> (x: Double, y: Double) in
                let y = tl.sums[i][k] / Double(tl.blocks[i]) / 1e6
                yMax = max(yMax, y)
                return ((Double(i) + 0.5) * tl.width, y)
            }
            lines.append((ty, pts))
        }
        let xMax = tl.upper > 0 ? tl.blocks.indices.last(where: { tl.blocks[$0] > 0 }).map { Double($0 + 1) * tl.width } ?? tl.upper : 1
        var p = SVGPlot(title: used.isEmpty ? "ψ credited over time: none credited" : "ψ credited per block over time, by proof type (replication 0…\(digest.options.thetaReplications - 1))",
                        xLabel: "time (s)", yLabel: "mean credited ψ per block (nats)", x: 0...xMax, y: 0...AxisTicks.niceCeiling(max(yMax, 1e-6)))
        for (ty, pts) in lines {
            let i = ProofType.allCases.firstIndex(of: ty)!
            p.polyline(pts, cls: "series s\(i % 6)")
            p.addLegend(cls: "series s\(i % 6)", label: ty.policyName)
        }
        return p.render(id: "psi-time")
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

    /// 95% t-interval over replications of a per-replication statistic ("–" with one replication).
    func replicationInterval(_ f: (BlocksDigest.ReplicationDigest) -> Double) -> String {
        let xs = digest.perReplication.keys.sorted().map { f(digest.perReplication[$0]!) }.filter(\.isFinite)
        let st = SweepAggregate.stats(xs)
        guard st.ciLow.isFinite else { return "–" }
        return "[\(NumberFormat.short(st.ciLow, digits: 5)), \(NumberFormat.short(st.ciHigh, digits: 5))]"
    }

    /// Fields shown under their people's names with units; replicated statistics get a 95%
    /// interval over replications (computed from blocks.csv and miners.csv, which keep them
    /// apart). Per-group fields are in the group table; identification fields open the page.
    func summaryTable() -> String {
        var rows: [(label: String, unit: String, value: String, ci: String)] = []
        let reps = digest.perReplication.count
        let counted = digest.intervals.total
        rows.append(("blocks.csv rows", "rows", String(digest.rows),
                     digest.warmupRows > 0 ? "\(digest.warmupRows) warm-up + \(counted) counted + \(digest.orphans) orphaned" : ""))
        rows.append(("replications in blocks.csv", "", String(digest.replications.count), ""))
        if summary == nil {
            rows.append(("mean block interval (counted blocks.csv rows)", "s", NumberFormat.short(digest.intervals.mean, digits: 6),
                         replicationInterval(\.meanInterval)))
        }
        let ciFor: [String: String] = [
            "meanInterval": replicationInterval(\.meanInterval),
            "sdInterval": replicationInterval(\.sdInterval),
            "orphanRate": replicationInterval(\.orphanRate),
        ]
        let skip: Set<String> = ["scenario", "description", "replications"]
        for f in summary?.fields ?? [] where !skip.contains(f.name) && MetricCatalog.groupParts(f.name) == nil {
            let text: String
            if let d = RunSummary.number(of: f.value), case .double = f.value { text = NumberFormat.short(d, digits: 6) } else { text = RunSummary.cell(f.value) }
            var ci = ciFor[f.name] ?? ""
            if f.name.hasPrefix("psiShareByType."), let t = ProofType.allCases.first(where: { "psiShareByType." + $0.policyName == f.name }) {
                ci = replicationInterval { $0.psiShare(t) }
            }
            let e = MetricCatalog.entry(f.name)
            rows.append((e.label + " · " + f.name, e.unit, text.isEmpty ? "–" : text, ci))
        }
        var s = "<table class=\"summary\"><thead><tr><th>metric · summary.json field</th><th>unit</th><th>value</th><th>95% CI over \(reps) replication\(reps == 1 ? "" : "s")</th></tr></thead><tbody>"
        for r in rows { s += "<tr><td>\(XMLText.escape(r.label))</td><td>\(XMLText.escape(r.unit))</td><td>\(XMLText.escape(r.value))</td><td>\(XMLText.escape(r.ci))</td></tr>" }
        s += "</tbody></table>"
        return s
    }

    /// The opening paragraphs: the scenario's `description` (what it asks) and a sentence of what
    /// the run found, built from the summary.
    func questionAndFindings() -> String {
        var s = ""
        if case .string(let d)? = summary?["description"], !d.isEmpty {
            s += "<p class=\"question\"><strong>What this scenario asks:</strong> \(XMLText.escape(d))</p>\n"
        }
        var found: [String] = []
        if let m = summary?.number("meanInterval"), let t = summary?.number("targetInterval") {
            found.append("the mean block interval was \(NumberFormat.short(m)) s against a target of \(NumberFormat.short(t)) s (95% CI over replications \(replicationInterval(\.meanInterval)))")
        }
        if let ms = miners?.miners, let worst = ms.max(by: { abs($0.blockShare - $0.hashrateShare) < abs($1.blockShare - $1.hashrateShare) }) {
            found.append("the group furthest from its hash share was \(worst.name): \(NumberFormat.short(worst.blockShare)) of blocks for \(NumberFormat.short(worst.hashrateShare)) of the work")
        }
        if let l = summary?.number("steadyLossVsGreedy") { found.append("steady miners earned \(NumberFormat.short(l * 100))% less per hash than greedy ones") }
        let psi = psiShares.filter { $0.share > 0 }.map { "\($0.type.policyName) \(NumberFormat.short($0.share * 100))%" }
        if !psi.isEmpty { found.append("credited ψ was " + psi.joined(separator: ", ")) }
        if !found.isEmpty {
            s += "<p class=\"found\"><strong>What it found:</strong> " + XMLText.escape(found.joined(separator: "; ")) + ". " + XMLText.escape(thetaBoundSentence) + "</p>\n"
        }
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
        svg .pointlabel { font-size: 11px; fill: #222; }
        svg .bound { stroke: #e45756; stroke-dasharray: 6 3; stroke-width: 1.2; }
        svg .legend.bound { fill: #e45756; stroke: none; }
        p.question, p.found { background: #f3f6fa; border-left: 4px solid #4c78a8; padding: 0.5em 0.8em; }
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
        s += questionAndFindings()
        s += "<p>Generated by <code>simctl report</code> from <code>blocks.csv</code>, <code>miners.csv</code> and <code>summary.json</code>. "
        if digest.options.warmupBlocks > 0 {
            s += "The warm-up — the first \(digest.options.warmupBlocks) blocks of each replication, \(digest.warmupRows) rows of blocks.csv — is left out of every chart and figure, as summary.json leaves it out. "
        }
        s += "Θ is charted for the first \(digest.options.thetaReplications) replication(s), downsampled to at most \(digest.options.maxThetaPoints) points (minimum and maximum per time bucket). docs/METRICS.md defines every metric.</p>\n"
        s += "<h2>Summary</h2>\n"
        for w in thetaBoundWarnings { s += "<p class=\"warning\">Warning: \(XMLText.escape(w)).</p>\n" }
        s += summaryTable() + "\n"
        s += "<h2>Block intervals</h2>\n" + intervalChart() + "\n"
        s += "<h2>Difficulty Θ</h2>\n" + thetaChart() + "\n"
        if !thetaBoundSentence.isEmpty { s += "<p>\(XMLText.escape(thetaBoundSentence))</p>\n" }
        s += "<h2>Fairness</h2>\n" + shareChart() + "\n" + groupTable() + "\n"
        s += "<p>Fairness is each group's block share against its hash share (the table and <code>group.&lt;name&gt;.shareDeviation</code>); <code>giniBlocks</code> measures inequality of blocks across individual miners, which differs with hash rate even when every group is paid exactly its share.</p>\n"
        if miners == nil { s += "<p>miners.csv not found: no per-miner shares.</p>\n" }
        s += "<h2>Useful work</h2>\n" + psiChart() + "\n" + psiTable() + "\n" + psiTimeChart() + "\n"
        s += "</body>\n</html>\n"
        return s
    }
}
