import Foundation
import Testing
import TestSupport

/// The run report and the sweep report opened in a real browser (Debian's `chromium`, headless):
/// loaded as XHTML the page must parse without an error (Chromium then shows a `parsererror`
/// instead of the page), every inline `<svg>` must reach the rendered DOM, and a screenshot must
/// be drawn. Skipped, with the reason, where chromium is not installed (`make deps` installs it).
@Suite struct BrowserReportTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func browser(_ args: [String], timeout: Double = 90) throws -> (status: Int32, out: String, err: String) {
        try SlurmCluster.run(chromium!, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                         "--no-first-run", "--user-data-dir=" + FileManager.default.temporaryDirectory
                                            .appendingPathComponent("chromium-\(UUID().uuidString)").path] + args, timeout: timeout)
    }

    func check(_ report: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let html = try String(contentsOf: report, encoding: .utf8)
        let xhtml = report.deletingPathExtension().appendingPathExtension("xhtml")
        try html.write(to: xhtml, atomically: true, encoding: .utf8)
        let dom = try Self.browser(["--dump-dom", xhtml.absoluteString])
        #expect(dom.status == 0, "chromium: \(dom.err.suffix(500))", sourceLocation: sourceLocation)
        #expect(!dom.out.contains("parsererror"), "the browser's XML parser rejected \(report.lastPathComponent)", sourceLocation: sourceLocation)
        let svgs = html.components(separatedBy: "<svg ").count - 1
        #expect(svgs >= 1, sourceLocation: sourceLocation)
        #expect(dom.out.components(separatedBy: "<svg ").count - 1 == svgs, "rendered DOM lost charts", sourceLocation: sourceLocation)
        #expect(dom.out.components(separatedBy: "<circle ").count == html.components(separatedBy: "<circle ").count, sourceLocation: sourceLocation)
        let png = report.deletingLastPathComponent().appendingPathComponent("shot.png")
        let shot = try Self.browser(["--screenshot=" + png.path, "--window-size=1200,2400", report.absoluteString])
        #expect(shot.status == 0, "chromium screenshot: \(shot.err.suffix(500))", sourceLocation: sourceLocation)
        let size = (try? FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        #expect(size > 20_000, "screenshot of \(size) bytes: a blank page?", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium, or make deps)"), .timeLimit(.minutes(15)))
    func runAndSweepReportsRenderInABrowser() async throws {
        try await HeavyTests.exclusive {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: root) }
            let run = root.appendingPathComponent("run"), sweep = root.appendingPathComponent("sweep")
            let r = try Simctl.run(["run", "Scenarios/useful-mix.toml", "--set", "scenario.blocks=3000", "--out", run.path, "--quiet"], timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Simctl.run(["report", run.path]).status == 0)
            try check(run.appendingPathComponent("report.html"))
            let s = try Simctl.run(["sweep", "Scenarios/retarget-compare.toml", "--set", "chain.retarget.rule=ema,asert",
                                    "--set", "scenario.blocks=2000", "--replications", "3", "--baseline", "0", "--quiet", "--out", sweep.path], timeout: 300)
            #expect(s.status == 0, "\(s.stderr)")
            #expect(try Simctl.run(["report", sweep.path]).status == 0)
            try check(sweep.appendingPathComponent("report.html"))
        }
    }
}
