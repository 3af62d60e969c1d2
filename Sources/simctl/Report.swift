import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl report DIR`: writes `DIR/report.html` (inline SVG charts, no Python, no scripts).
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write DIR/report.html with SVG charts from a run folder or a sweep folder.",
        discussion: """
            A sweep folder (`simctl sweep … --out DIR`, or `simctl merge`'s output: it holds \
            runs.csv) gets one panel per metric — the mean of each parameter combination with its \
            95% t-interval against the first swept parameter, one series per value of the others \
            (--metric picks the panels; default: mean and sd of the interval, each group's \
            block-share deviation, steady-vs-greedy loss, credited ψ share by type) — the paired \
            comparisons of compare.csv when present, and the aggregate table with units.

            A run folder (`simctl run … --out DIR`):
            Reads DIR/blocks.csv once (memory stays bounded however many blocks it holds), plus \
            DIR/miners.csv and DIR/summary.json when present. Charts: block intervals against the \
            exponential with the same mean, Θ over time (first replications, downsampled by \
            min/max per time bucket), block share against hashrate share, ψ credited by proof \
            type; then the summary table. Prints one JSON line with the report's path.
            """
    )

    @Argument(help: "A run folder holding blocks.csv (and usually miners.csv, summary.json), or a sweep folder holding runs.csv.")
    var dir: String

    @Option(name: .customLong("metric"), help: "Sweep folder: a metric to chart (a column stem of aggregate.csv, e.g. group.pool-a.blockShare; repeatable).")
    var metrics: [String] = []

    @Option(help: "Histogram bins (even, 2…1000).")
    var bins = 40

    @Option(help: "Chart Θ for replications 0..<N (1…8).")
    var thetaReplications = 1

    @Option(help: "Points kept per Θ series (a multiple of 4, 4…20000).")
    var maxPoints = 2000

    func validate() throws {
        guard bins >= 2, bins <= 1000, bins % 2 == 0 else { throw CLI.fail("--bins", "expected an even number from 2 to 1000") }
        guard (1...8).contains(thetaReplications) else { throw CLI.fail("--theta-replications", "expected 1 to 8") }
        guard maxPoints >= 4, maxPoints <= 20000, maxPoints % 4 == 0 else { throw CLI.fail("--max-points", "expected a multiple of 4 from 4 to 20000") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: dir)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw CLI.fail("DIR", "folder '\(dir)' does not exist")
        }
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent(RunOutputs.blocksFile).path), SweepFolder.isSweep(url) {
            try sweepReport(url)
            return
        }
        let options = BlocksDigest.Options(bins: bins, thetaReplications: thetaReplications, maxThetaPoints: maxPoints)
        do {
            let report = try HTMLReport.load(directory: url, options: options)
            let out = url.appendingPathComponent(RunOutputs.reportFile)
            do { try Data(report.html().utf8).write(to: out) } catch { throw CLI.fail("DIR", "cannot write '\(out.path)'") }
            CLI.printJSON([
                "report": .string(out.path),
                "blocks": .int(Int64(report.digest.intervals.total)),
                "orphans": .int(Int64(report.digest.orphans)),
                "charts": .int(Int64(HTMLReport.chartIDs.count)),
            ])
        } catch let e as RunOutputsError {
            throw CLI.fail("DIR", e.description)
        } catch let e as CSVError {
            throw CLI.fail("DIR", e.description)
        }
    }

    func sweepReport(_ url: URL) throws {
        do {
            let report = try SweepReport(folder: try SweepFolder.load(url), metrics: metrics)
            let out = url.appendingPathComponent(SweepOutputs.reportFile)
            do { try Data(report.html().utf8).write(to: out) } catch { throw CLI.fail("DIR", "cannot write '\(out.path)'") }
            CLI.printJSON([
                "report": .string(out.path),
                "runs": .int(Int64(report.folder.runs.table.rows.count)),
                "combinations": .int(Int64(report.folder.aggregate.rows.count)),
                "charts": .int(Int64(report.metrics.count)),
            ])
        } catch let e as SweepReportError {
            throw CLI.fail("--metric", e.description)
        } catch let e as SweepError {
            throw CLI.fail("DIR", e.description)
        } catch let e as CSVError {
            throw CLI.fail("DIR", e.description)
        }
    }
}
