import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MiningCore
@testable import PoIESSim
import Testing
import TestSupport

/// Two groups with unequal hash rate, seed fixed: small enough for a sweep in a test.
let twoGroupScenario = """
    [scenario]
    name = "two-groups"
    seed = 11
    blocks = 400
    warmupBlocks = 20
    replications = 3
    [chain]
    thetaMicro0 = 7000000
    [chain.retarget]
    rule = "asert"
    [[miners]]
    name = "big"
    hashrate = 300.0
    [[miners]]
    name = "small.pool"
    count = 4
    hashrate = 25.0
    """

@Suite struct PerGroupMetricsTests {
    @Test func summaryCarriesEachGroupsShares() throws {
        let sc = try SimFixture.scenario(twoGroupScenario)
        let s = try Simulation.run(scenario: sc, options: .init(jobs: 1))
        let fields = try RunSummary(json: s.json)
        for (g, name) in s.groupNames.enumerated() {
            let hs = try #require(fields.number("group.\(name).hashShare"))
            let bs = try #require(fields.number("group.\(name).blockShare"))
            #expect(hs == s.hashrateShares[g])
            #expect(bs == s.blockShares[g])
            #expect(fields.number("group.\(name).shareDeviation") == bs - hs)
            #expect(fields.number("group.\(name).reward") == s.groupReward[g])
            #expect(fields.number("group.\(name).netReward") == s.groupReward[g] - s.groupSpend[g])
        }
        // The big group has 300 of 400 H/s; its block share is near 3/4, not the uniform 1/2.
        let big = try #require(fields.number("group.big.blockShare"))
        #expect(abs(big - 0.75) < 0.1, "block share \(big)")
        // A dotted group name survives the flattening and is split back by the catalogue.
        let parts = try #require(MetricCatalog.groupParts("group.small.pool.blockShare"))
        #expect(parts.group == "small.pool" && parts.field == "blockShare")
    }

    @Test func constantsGoToSweepJSONNotTheAggregate() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("groups-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let grid = try SweepGrid(sets: ["miners.big.hashrate=100,300"], replications: 2)
        let runs = try SweepDriver.execute(grid: grid, jobs: 2, out: root, runOne: Self.runner)
        #expect(runs.header.contains("group.big.blockShare"))
        #expect(runs.header.contains("group.small.pool.netReward"))
        let agg = try CSVReader(url: root.appendingPathComponent("aggregate.csv")).readTable()
        #expect(agg.header.contains("group.big.blockShare.ci95_low"))
        for constant in ["seed", "replications", "targetInterval", "scenario"] {
            #expect(!agg.header.contains { $0.hasPrefix(constant + ".") }, "\(constant) is aggregated")
        }
        let manifest = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: root.appendingPathComponent("sweep.json")))
        #expect(manifest["constants"]?["seed"] == .int(11))
        #expect(manifest["constants"]?["scenario"] == .string("two-groups"))
        #expect(manifest["constants"]?["targetInterval"] == .int(2))
        #expect(manifest["runs"] == .int(4))
        #expect(manifest["shard"] == nil)
        // More hash rate, more blocks: the group's mean block share grows between the two points.
        let c = try #require(agg.column("group.big.blockShare.mean"))
        #expect(Double(agg.rows[0][c])! < Double(agg.rows[1][c])!)
    }

    static let runner: SweepDriver.RunOne = { run in
        let sc = try SimFixture.scenario(twoGroupScenario, run.assignments.map { "\($0.key)=\($0.value)" })
        var summary = Summary(scenario: sc)
        var sink = NullBlockSink()
        summary.add(try Simulation.run(scenario: sc, replication: run.replication, sink: &sink))
        return summary.json
    }
}

@Suite struct SweepResumeTests {
    static let fake: SweepDriver.RunOne = { run in
        ["meanInterval": .double(Double(run.assignments[0].value)! + Double(run.replication) / 3), "seed": 1,
         "scenario": "fake", "group": ["a": ["blockShare": .double(0.25 * Double(run.replication))]]]
    }

    @Test func resumedSweepWritesTheSameBytesAndSkipsFinishedRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let grid = try SweepGrid(sets: ["a=1,2,3"], replications: 4)
        let whole = root.appendingPathComponent("whole"), part = root.appendingPathComponent("part")
        try SweepDriver.execute(grid: grid, jobs: 2, out: whole, runOne: Self.fake)
        // An interrupted sweep: runs 5 and 9 failed (as if killed), the others' rows are on disk.
        struct Killed: Error {}
        #expect(throws: SweepError.self) {
            try SweepDriver.execute(grid: grid, jobs: 2, out: part) { run in
                if run.index == 5 || run.index == 9 { throw Killed() }
                return try Self.fake(run)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: part.appendingPathComponent("runs.csv").path))
        let computed = IntLog(), progress = IntLog()
        try SweepDriver.execute(grid: grid, jobs: 2, out: part, resume: true, progress: { d, _ in progress.append(d) }) { run in
            computed.append(run.index)
            return try Self.fake(run)
        }
        #expect(computed.values.sorted() == [5, 9])
        #expect(progress.values.first == 10)
        #expect(progress.values.max() == 12)
        for f in ["runs.csv", "aggregate.csv", "sweep.json"] {
            let a = try Data(contentsOf: whole.appendingPathComponent(f)), b = try Data(contentsOf: part.appendingPathComponent(f))
            #expect(a == b, "\(f) differs after resume")
        }
        // Resuming into a folder of another grid is refused with the file named.
        let other = try SweepGrid(sets: ["a=1,2,4"], replications: 4)
        #expect(throws: SweepError.self) { try SweepDriver.execute(grid: other, out: part, resume: true, runOne: Self.fake) }
    }
}

@Suite struct PairedComparisonTests {
    @Test func pairedDifferenceMatchesHandComputation() {
        // d = (1, 2, 3): mean 2, sd 1, half-width t(2)·1/√3 = 4.302653·0.577350 = 2.484138.
        let a = [10.0, 20, 30], b = [11.0, 22, 33]
        let r = PairedComparison.compare(a: a, b: b)
        #expect(r.n == 3 && r.diff.mean == 2 && r.diff.sd == 1)
        #expect(abs(r.diff.ciLow - (2 - 2.484138)) < 1e-5)
        // Unpaired: s_A² = 100, s_B² = 121, half = t(4)·√(221/3) = 2.776445·8.582929 = 23.83.
        #expect(abs(r.unpairedHalfWidth - 2.776445 * (221.0 / 3).squareRoot()) < 1e-4)
        #expect(abs(r.varianceReduction - 221) < 1e-9)
        #expect(abs(r.correlation - 1) < 1e-12)
    }

    @Test func aAgainstAIsExactlyZero() {
        let a = [3.5, 1.25, 9.0, 2.0]
        let r = PairedComparison.compare(a: a, b: a)
        #expect(r.diff.mean == 0 && r.diff.sd == 0 && r.diff.ciLow == 0 && r.diff.ciHigh == 0)
        #expect(r.varianceReduction.isNaN)  // s_d = 0: undefined, written empty
    }

    @Test func tableComparesEachCombinationWithTheBaselineByReplication() throws {
        let text = """
            run,replication,param:rule,meanInterval,scenario
            0,0,ema,10,x
            1,1,ema,12,x
            2,2,ema,11,x
            3,0,asert,9,x
            4,1,asert,11.5,x
            5,2,asert,10,x
            """
        let rows = try CSV.parse(text)
        let runs = SweepRunsTable(table: CSVTable(header: rows[0], rows: Array(rows.dropFirst())))
        let t = try PairedComparison.table(runs, baseline: 0)
        #expect(t.header.prefix(4) == ["combination", "param:rule", "metric", "n"])
        #expect(t.rows.count == 1)  // one metric (scenario is configuration), one non-baseline combination
        let r = t.rows[0]
        #expect(r[0] == "1" && r[1] == "asert" && r[2] == "meanInterval" && r[3] == "3")
        let expected: Double = -2.5 / 3
        let diff = Double(r[t.column("diff.mean")!])
        #expect(diff == expected)
        #expect(throws: SweepError.badBaseline(2, combinations: 2)) { try PairedComparison.table(runs, baseline: 2) }
    }
}

@Suite struct SweepReportTests {
    func sweepFolder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-report-\(UUID().uuidString)")
        let grid = try SweepGrid(sets: ["miners.big.hashrate=100,300", "chain.retarget.rule=asert,ema"], replications: 3)
        let runs = try SweepDriver.execute(grid: grid, jobs: 2, out: root, runOne: PerGroupMetricsTests.runner)
        try Data(try PairedComparison.table(runs, baseline: 0).text.utf8).write(to: root.appendingPathComponent("compare.csv"))
        return root
    }

    @Test func reportHasOnePanelPerMetricWithIntervalsAndIsWellFormed() throws {
        let dir = try sweepFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try SweepReport(folder: try SweepFolder.load(dir))
        #expect(report.metrics.prefix(2) == ["meanInterval", "sdInterval"])
        #expect(report.metrics.contains("group.big.shareDeviation") && report.metrics.contains("group.small.pool.shareDeviation"))
        // No ψ is credited on this hash-only chain and no group is greedy: those panels are left out.
        #expect(report.metrics.count == 4)
        let html = report.html()
        let (ok, c, err) = ElementCounter.parse(html)
        #expect(ok, "sweep report is not well-formed XML: \(err)")
        #expect(c.counts["svg"] == report.metrics.count)
        // Per panel: 2 categories × 2 series = 4 dots and 4 whiskers (n = 3 everywhere).
        #expect(html.components(separatedBy: "<circle class=\"dot ").count - 1 == 4 * report.metrics.count)
        #expect(html.components(separatedBy: "<polyline class=\"whisker ").count - 1 == 4 * report.metrics.count)
        #expect(html.contains("chain.retarget.rule=ema"))
        #expect(html.contains("mean block interval (s)"))
        #expect(html.contains("Paired comparisons"))
        #expect(throws: SweepReportError.self) { try SweepReport(folder: try SweepFolder.load(dir), metrics: ["nope"]) }
        // The notebook charts the same metrics and says how many charts it draws.
        let nb = try JSONSerialization.jsonObject(with: SweepNotebookExport.json(report: report)) as? [String: Any]
        let meta = nb?["metadata"] as? [String: Any]
        #expect((meta?["poies"] as? [String: Any])?["charts"] as? Int == report.metrics.count)
    }
}

/// A thread-safe list of integers (what a test's callbacks saw).
final class IntLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int] = []
    func append(_ i: Int) { lock.lock(); items.append(i); lock.unlock() }
    var values: [Int] { lock.lock(); defer { lock.unlock() }; return items }
}

@Suite struct RunReportContentTests {
    /// A run with a warm-up and a description: the report leaves the warm-up out (and says how
    /// much), opens with the question, names every group's point and draws the Θ bounds near Θ.
    @Test func reportExcludesWarmupAndOpensWithTheQuestion() throws {
        let toml = twoGroupScenario.replacingOccurrences(of: "replications = 3", with: """
            replications = 3
            description = "Does the big group win more than its 75% of the work?"
            """).replacingOccurrences(of: "thetaMicro0 = 7000000", with: "thetaMicro0 = 7000000\nthetaMinMicro = 6000000\nthetaMaxMicro = 8600000")
        let sc = try SimFixture.scenario(toml)
        let dir = SimFixture.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: 2, outDir: dir))
        let fields = try RunSummary(json: summary.json)
        #expect(fields["description"] == .string("Does the big group win more than its 75% of the work?"))
        #expect(fields.number("warmupBlocks") == 20)
        let report = try HTMLReport.load(directory: URL(fileURLWithPath: dir))
        #expect(report.digest.warmupRows == 3 * 20)
        #expect(report.digest.intervals.total == summary.blocks)
        #expect(abs(report.digest.intervals.mean - summary.meanInterval) < 1e-9 * summary.meanInterval)
        #expect(report.digest.perReplication.count == 3)
        let html = report.html()
        let (ok, c, err) = ElementCounter.parse(html)
        #expect(ok, "\(err)")
        #expect(c.svgIDs == HTMLReport.chartIDs)
        #expect(html.contains("What this scenario asks:</strong> Does the big group win more"))
        #expect(html.contains("What it found:</strong>"))
        #expect(html.contains("the first 20 blocks of each replication, 60 rows of blocks.csv"))
        #expect(html.contains("Θ (nats)"))
        // Each bound is drawn (near Θ ≈ 7 nats) or named off-chart in the legend.
        let drawn = html.components(separatedBy: "<line class=\"bound\"").count - 1
        let named = html.components(separatedBy: "off-chart: ").count > 1 ? html.components(separatedBy: " nats").count : 0
        #expect(drawn >= 1 && (drawn == 2 || named > 0), "drawn \(drawn)")
        #expect(html.components(separatedBy: "<text class=\"pointlabel\"").count - 1 == 2)
        #expect(html.contains("mean block interval · meanInterval"))
    }
}
