import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MiningCore
@testable import PoIESSim
import Testing
import TestSupport

/// Counts elements while parsing; a parse failure means the page is not well-formed XML.
final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    /// Per `<svg id=…>`: the number of `<rect class="bar…">` inside it.
    var barsBySVG: [String: Int] = [:]
    var svgIDs: [String] = []
    private var currentSVG: String?
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
        if name == "svg" { currentSVG = attributes["id"]; svgIDs.append(attributes["id"] ?? "") }
        if name == "rect", let svg = currentSVG, let cls = attributes["class"], cls.split(separator: " ").first == "bar",
           !cls.contains("legend") {
            barsBySVG[svg, default: 0] += 1
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "svg" { currentSVG = nil }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    static func parse(_ html: String) -> (ok: Bool, counter: ElementCounter, error: String) {
        let p = XMLParser(data: Data(html.utf8))
        let c = ElementCounter()
        p.delegate = c
        let ok = p.parse()
        return (ok, c, p.parserError.map { "\($0)" } ?? "")
    }
}

func fixtureDir() -> URL { ProjectPaths.root.appendingPathComponent("Tests/Fixtures/run-small") }

func tempCopyOfFixture() throws -> URL {
    let u = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: fixtureDir(), to: u)
    return u
}

@Suite struct ReportTests {
    @Test func fixtureReportIsWellFormedWithFourCharts() throws {
        let report = try HTMLReport.load(directory: fixtureDir(), options: .init(bins: 30))
        let html = report.html()
        let (ok, c, err) = ElementCounter.parse(html)
        #expect(ok, "report.html is not well-formed XML: \(err)")
        #expect(c.counts["svg"] == 5)
        #expect(c.svgIDs == HTMLReport.chartIDs)
        #expect(c.barsBySVG["intervals"] == 30)
        #expect(c.barsBySVG["psi"] == ProofType.allCases.count)
        #expect((c.counts["circle"] ?? 0) == 3)  // one point per miner
        #expect(c.counts["table"] == 3)  // summary, groups, ψ
        // Every miner group's point is labelled with its name.
        #expect(html.contains("<text class=\"pointlabel\""))
        #expect(html.components(separatedBy: "<text class=\"pointlabel\"").count - 1 == 3)
        // The scenario name from summary.json and a miner name with a quote and comma are escaped.
        #expect(c.text.contains("fixture <small> & \"quoted\""))
        #expect(html.contains("fixture &lt;small&gt; &amp; &quot;quoted&quot;"))
        #expect(c.text.contains("beta, \"the second\""))
        #expect(!html.contains("<script"))
    }

    /// A summary whose Θ sat at a bound in more than 1% of blocks gets a warning above the
    /// summary table; the fixture (written before the fields existed) and a clean run get none.
    @Test func thetaAtABoundIsFlaggedInTheReport() throws {
        let clean = try HTMLReport.load(directory: fixtureDir())
        #expect(clean.thetaBoundWarnings.isEmpty)
        #expect(!clean.html().contains("class=\"warning\""))
        var report = clean
        report.summary = try RunSummary(json: ["scenario": "s", "thetaAtMinShare": .double(0.005), "thetaAtMaxShare": .double(0.032)])
        #expect(report.thetaBoundWarnings == ["Θ sat at its upper bound in 3.2% of blocks; results carry a clamp artefact — raise thetaMaxMicro or lower the hash rate"])
        let html = report.html()
        #expect(ElementCounter.parse(html).ok)
        #expect(html.contains("<p class=\"warning\">Warning: Θ sat at its upper bound in 3.2% of blocks;"))
    }

    @Test func fixtureDigestMatchesTheFile() throws {
        let d = try BlocksDigest.read(fixtureDir().appendingPathComponent("blocks.csv"))
        #expect(d.rows == 120)
        #expect(d.orphans == 4)
        #expect(d.intervals.total == 116)
        #expect(d.intervals.finalCounts.reduce(0, +) == 116)
        #expect(d.replications == [0, 1])
        #expect(d.theta.keys.sorted() == [0])
        #expect(d.theta[0]!.count == 58)
        // Per-type ψ sums add up to the total column.
        #expect(abs(d.psiByType.values.reduce(0, +) - d.psiTotal) < 1e-6)
        let summary = try RunSummary(contentsOf: fixtureDir().appendingPathComponent("summary.json"))
        #expect(abs(d.intervals.mean - summary.number("meanInterval")!) < 1e-9)
        let miners = try MinerShares.read(fixtureDir().appendingPathComponent("miners.csv"))
        #expect(miners.miners.map(\.name) == ["alpha", "beta, \"the second\"", "gamma"])
        #expect(abs(miners.miners.map(\.blockShare).reduce(0, +) - 1) < 1e-12)
        #expect(miners.miners.map(\.blocks).reduce(0, +) == 116)
    }

    /// The simulator writes `psi_ai_micro` where issue 5's brief says `psi_credited_micro_AI`: both count.
    @Test func acceptsTheSimulatorsPsiColumnSpelling() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-alt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
            replication,height,time_s,miner,theta_micro,h_micro,psi_credited_micro,psi_hashshare_micro,psi_ai_micro,psi_quantum_micro,psi_storage_micro,psi_vdf_micro,interval_s,orphaned
            0,1,2.5,a,2000000,2100000,300,100,200,0,0,0,2.5,0
            0,2,4.0,b,2000000,2100000,600,0,0,0,0,600,1.5,0
            0,2,4.1,a,2000000,2100000,999,0,999,0,0,0,1.6,1

            """.write(to: dir.appendingPathComponent("blocks.csv"), atomically: true, encoding: .utf8)
        let d = try BlocksDigest.read(dir.appendingPathComponent("blocks.csv"))
        let expected: [ProofType: Double] = [.hashShare: 100, .ai: 200, .quantum: 0, .storage: 0, .vdf: 600]
        #expect(d.psiByType == expected)
        #expect(d.orphans == 1)
        let shares = HTMLReport(title: "t", digest: d, miners: nil, summary: nil).psiShares
        let expectedShares: [Double] = [100.0 / 900, 200.0 / 900, 0, 0, 600.0 / 900]
        #expect(shares.map(\.share) == expectedShares)
    }

    @Test func headerOnlyFilesStillGiveAWellFormedReport() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try CSV.line(RunOutputs.Blocks.all).write(to: dir.appendingPathComponent("blocks.csv"), atomically: true, encoding: .utf8)
        try CSV.line(RunOutputs.Miners.all).write(to: dir.appendingPathComponent("miners.csv"), atomically: true, encoding: .utf8)
        let report = try HTMLReport.load(directory: dir, options: .init(bins: 10))
        #expect(report.digest.intervals.total == 0)
        let (ok, c, err) = ElementCounter.parse(report.html())
        #expect(ok, "\(err)")
        #expect(c.counts["svg"] == 5)
        #expect(c.barsBySVG["intervals"] == 10)
    }

    @Test func writesReportIntoTheRunFolder() throws {
        let dir = try tempCopyOfFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try HTMLReport.write(directory: dir)
        #expect(url.lastPathComponent == "report.html")
        let (ok, c, _) = ElementCounter.parse(try String(contentsOf: url, encoding: .utf8))
        #expect(ok)
        #expect(c.barsBySVG["intervals"] == 40)
    }

    @Test func missingColumnIsNamed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "replication,height,time_s\n0,1,2\n".write(to: dir.appendingPathComponent("blocks.csv"), atomically: true, encoding: .utf8)
        #expect(throws: RunOutputsError.missingColumn(file: "blocks.csv", column: "theta_micro")) {
            try HTMLReport.load(directory: dir)
        }
        #expect(throws: RunOutputsError.missingFile(dir.appendingPathComponent("nothere/blocks.csv").path)) {
            try HTMLReport.load(directory: dir.appendingPathComponent("nothere"))
        }
    }

    /// 200,000 synthetic blocks (SplitMix64 seed 11, exponential intervals of mean 10 s) over three
    /// replications: the Θ series stays within its point budget and the histogram within its bins.
    @Test func largeRunStaysBounded() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-large-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = SplitMix64(seed: 11)
        let w = try CSVWriter(path: dir.appendingPathComponent("blocks.csv").path)
        w.write(RunOutputs.Blocks.all)
        var sum = 0.0
        for rep in 0..<3 {
            var t = 0.0
            for h in 1...66_667 {
                let u = (Double(rng.next() >> 11) + 0.5) / 9007199254740992.0
                let iv = -10 * log(u)
                t += iv
                sum += iv
                let theta = 20_000_000 + Int(rng.next() % 1_000_000)
                w.write([String(rep), String(h), String(t), "m\(h % 7)", String(theta), "0", "0", "0", "0", "0", "0", "0", String(iv), "0"])
            }
        }
        w.close()
        let report = try HTMLReport.load(directory: dir, options: .init(bins: 50, thetaReplications: 2, maxThetaPoints: 2000))
        let d = report.digest
        #expect(d.intervals.total == 200_001)
        #expect(abs(d.intervals.mean - sum / 200_001) < 1e-9)
        #expect(d.intervals.maximum >= d.intervals.upper / 2)
        #expect(d.theta.keys.sorted() == [0, 1])
        for (_, s) in d.theta {
            #expect(s.count == 66_667)
            #expect(s.points.count <= 2000)
            #expect(s.points.count >= 1000)
            #expect(zip(s.points, s.points.dropFirst()).allSatisfy { $0.x <= $1.x })
        }
        let (ok, c, _) = ElementCounter.parse(report.html())
        #expect(ok)
        #expect(c.barsBySVG["intervals"] == 50)
        #expect(c.counts["polyline"] == 4)  // model curve, two Θ series, the y = x diagonal
    }
}

@Suite struct StreamingHistogramTests {
    /// Against a direct count over the final bin edges (SplitMix64 seed 3).
    @Test func matchesDirectBinning() {
        var rng = SplitMix64(seed: 3)
        var h = StreamingHistogram(bins: 16)
        var xs: [Double] = []
        for _ in 0..<5000 {
            let x = Double(rng.next() % 100_000) / 1000
            xs.append(x)
            h.add(x)
        }
        h.add(-1); h.add(.nan)
        #expect(h.total == 5000)
        var direct = [Int](repeating: 0, count: 16)
        for x in xs { direct[min(Int(x / h.binWidth), 15)] += 1 }
        #expect(h.finalCounts == direct)
        #expect(h.maximum < h.upper && h.maximum >= h.upper / 2)
    }

    @Test func leadingZerosLandInTheFirstBin() {
        var h = StreamingHistogram(bins: 4)
        h.add(0); h.add(0); h.add(1)
        #expect(h.finalCounts == [2, 0, 1, 0])
        #expect(h.upper == 2)
    }

    @Test func downsamplerKeepsExtremes() {
        var s = MinMaxDownsampler(maxPoints: 8)
        for i in 0..<1000 { s.add(x: Double(i), y: i == 500 ? 99 : (i == 501 ? -99 : 0)) }
        let pts = s.points
        #expect(pts.count <= 8)
        #expect(pts.contains { $0.y == 99 })
        #expect(pts.contains { $0.y == -99 })
    }
}

@Suite struct NotebookExportTests {
    @Test func notebookIsNbformat4WithSourceLists() throws {
        let data = try NotebookExport.json(title: "a \"title\"\nwith newline")
        let nb = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(nb["nbformat"] as? Int == 4)
        #expect((nb["nbformat_minor"] as? Int ?? 0) >= 4)
        let cells = try #require(nb["cells"] as? [[String: Any]])
        #expect(cells.count >= 10)
        var ids = Set<String>()
        for c in cells {
            let type = try #require(c["cell_type"] as? String)
            #expect(["markdown", "code"].contains(type))
            let source = try #require(c["source"] as? [String])
            #expect(!source.isEmpty)
            #expect(source.dropLast().allSatisfy { $0.hasSuffix("\n") })
            #expect(source.last?.hasSuffix("\n") == false)
            #expect(ids.insert(try #require(c["id"] as? String)).inserted)
            if type == "code" {
                #expect(c["outputs"] as? [Any] != nil)
                #expect(c["execution_count"] is NSNull)
            }
        }
        let code = cells.filter { $0["cell_type"] as? String == "code" }.flatMap { $0["source"] as! [String] }.joined()
        #expect(code.contains("pd.read_csv(RUN / \"blocks.csv\""))
        #expect(code.contains("RUN / \"miners.csv\""))
        #expect(code.components(separatedBy: "plt.show()").count - 1 == 4)
        // Deterministic bytes.
        #expect(try NotebookExport.json(title: "a \"title\"\nwith newline") == data)
    }

    @Test func writesIntoTheRunFolderWithTheScenarioName() throws {
        let dir = try tempCopyOfFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = try NotebookExport.write(directory: dir)
        #expect(url.lastPathComponent == "analysis.ipynb")
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains("fixture <small>"))
    }
}
