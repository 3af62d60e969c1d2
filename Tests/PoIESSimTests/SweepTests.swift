import Foundation
import MiningCore
@testable import PoIESSim
import Testing
import TestSupport

@Suite struct SweepGridTests {
    @Test func parsesSetArguments() throws {
        let p = try SweepParameter(parsing: "chain.retarget.rule=ema, window,asert")
        #expect(p.key == "chain.retarget.rule")
        #expect(p.values == ["ema", "window", "asert"])
        for bad in ["noequals", "=1,2", "a.b=", "a.b=1,,2"] {
            #expect(throws: SweepError.badSet(bad)) { try SweepParameter(parsing: bad) }
        }
        #expect(throws: SweepError.duplicateKey("a")) { try SweepGrid(sets: ["a=1", "b=2", "a=3"]) }
    }

    @Test func expandsInOdometerOrder() throws {
        let g = try SweepGrid(sets: ["a=1,2", "b=x,y,z"], replications: 2)
        #expect(g.combinationCount == 6)
        #expect(g.runCount == 12)
        #expect(g.combinations == [["1", "x"], ["1", "y"], ["1", "z"], ["2", "x"], ["2", "y"], ["2", "z"]])
        let r = g.run(7)  // combination 3 = (2, x), replication 1
        #expect(r.combination == 3 && r.replication == 1)
        #expect(r.assignments == [.init(key: "a", value: "2"), .init(key: "b", value: "x")])
        #expect(g.runs().map(\.index) == Array(0..<12))
        let empty = try SweepGrid(sets: [], replications: 3)
        #expect(empty.combinations == [[]])
        #expect(empty.runCount == 3)
    }

    @Test func shardsCoverEveryRunExactlyOnce() throws {
        for total in [0, 1, 5, 12, 97] {
            for n in 1...7 {
                var seen = [Int](repeating: 0, count: total)
                for k in 0..<n {
                    let s = try SweepShard(index: k, count: n)
                    for i in s.indices(of: total) {
                        #expect(s.contains(i))
                        #expect(i % n == k)
                        seen[i] += 1
                    }
                }
                #expect(seen.allSatisfy { $0 == 1 }, "total \(total), N \(n)")
            }
        }
    }

    @Test func parsesShards() throws {
        #expect(try SweepShard(parsing: "3/8") == SweepShard(index: 3, count: 8))
        #expect(try SweepShard(parsing: "0/1") == .all)
        for bad in ["8/8", "-1/4", "1/0", "1", "a/b", "1/2/3"] {
            #expect(throws: SweepError.badShard(bad)) { try SweepShard(parsing: bad) }
        }
    }
}

@Suite struct SweepStatisticsTests {
    /// Two-sided 95% critical values of Student's t (standard tables).
    @Test func studentTCriticalValues() {
        let table: [(Int, Double)] = [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (29, 2.0452), (120, 1.9799), (100_000, 1.9600)]
        for (df, t) in table {
            #expect(abs(StudentT.criticalValue(0.95, df: df) - t) < 1e-4, "df \(df)")
        }
        #expect(abs(StudentT.criticalValue(0.99, df: 10) - 3.1693) < 1e-4)
        #expect(StudentT.criticalValue(0.95, df: 0).isNaN)
    }

    /// 1…5: mean 3, sd √2.5, half-width t(4)·sd/√5 = 2.776445·0.707107 = 1.963243.
    @Test func statsMatchHandComputation() {
        let s = SweepAggregate.stats([1, 2, 3, 4, 5])
        #expect(s.n == 5)
        #expect(s.mean == 3)
        #expect(abs(s.sd - 2.5.squareRoot()) < 1e-12)
        #expect(abs(s.ciLow - (3 - 1.963243)) < 1e-5)
        #expect(abs(s.ciHigh - (3 + 1.963243)) < 1e-5)
        let one = SweepAggregate.stats([7])
        #expect(one.mean == 7 && one.sd.isNaN && one.ciLow.isNaN)
        #expect(SweepAggregate.stats([]).n == 0)
    }

    @Test func aggregatesPerCombination() throws {
        let text = """
            run,replication,param:chain.targetBlockSeconds,meanInterval,scenario
            0,0,10,9,base
            1,1,10,11,base
            2,0,20,18,base
            3,1,20,22,base
            4,2,20,20,base
            """
        let rows = try CSV.parse(text)
        let runs = SweepRunsTable(table: CSVTable(header: rows[0], rows: Array(rows.dropFirst())))
        #expect(runs.parameterColumns == [2])
        #expect(runs.metricColumns == [3])  // scenario is a configuration column (sweep.json)
        let agg = runs.aggregate()
        #expect(agg.header == ["param:chain.targetBlockSeconds", "runs", "meanInterval.n", "meanInterval.mean",
                               "meanInterval.sd", "meanInterval.ci95_low", "meanInterval.ci95_high"])
        #expect(agg.rows.count == 2)
        // Group 10: {9, 11}: mean 10, sd √2, half = 12.7062·√2/√2 = 12.7062.
        let g10 = agg.rows[0]
        #expect(Array(g10[0...3]) == ["10", "2", "2", "10"])
        #expect(abs(Double(g10[4])! - 2.0.squareRoot()) < 1e-12)
        #expect(abs(Double(g10[5])! - (10 - 12.7062)) < 1e-3)
        #expect(abs(Double(g10[6])! - (10 + 12.7062)) < 1e-3)
        // Group 20: {18, 22, 20}: mean 20, sd 2, half = 4.3027·2/√3 = 4.9683.
        let g20 = agg.rows[1]
        #expect(Array(g20[0...4]) == ["20", "3", "3", "20", "2"])
        #expect(abs(Double(g20[5])! - (20 - 4.9683)) < 1e-3)
    }

    @Test func runsTableHeaderIsStableAcrossShards() throws {
        let g = try SweepGrid(sets: ["a=1,2"], replications: 1)
        let withAI: JSONValue = ["meanInterval": .double(10.5), "psiShareByType": ["AI": .double(1)]]
        let hashOnly: JSONValue = ["meanInterval": .double(9.5), "psiShareByType": ["HASHSHARE": .double(1)]]
        let t0 = SweepRunsTable(parameterKeys: g.keys, results: [(g.run(0), try RunSummary(json: withAI))])
        let t1 = SweepRunsTable(parameterKeys: g.keys, results: [(g.run(1), try RunSummary(json: hashOnly))])
        #expect(t0.header == t1.header)
        #expect(t0.header == ["run", "replication", "param:a", "meanInterval", "psiShareByType.AI", "psiShareByType.HASHSHARE",
                              "psiShareByType.QUANTUM", "psiShareByType.STORAGE", "psiShareByType.VDF"])
        #expect(t0.table.rows == [["0", "0", "1", "10.5", "1", "0", "0", "0", "0"]])
    }
}

@Suite struct SweepMergeTests {
    func tempDir() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// A fake simulation: deterministic metrics from the run's assignments and replication.
    static let fake: SweepDriver.RunOne = { run in
        let a = Double(run.assignments[0].value)!
        return ["meanInterval": .double(a + Double(run.replication) * 0.5), "blocks": .int(Int64(100 + run.index))]
    }

    @Test func shardedRunsMergeToTheUnshardedResult() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let g = try SweepGrid(sets: ["a=1,2,3", "b=x,y"], replications: 3)
        let whole = try SweepDriver.execute(grid: g, jobs: 2, out: root.appendingPathComponent("whole"), runOne: Self.fake)
        #expect(whole.table.rows.count == 18)
        let serial = try SweepDriver.execute(grid: g, jobs: 1, out: root.appendingPathComponent("serial"), runOne: Self.fake)
        #expect(serial == whole)
        var shardDirs: [URL] = []
        for k in 0..<4 {
            let d = root.appendingPathComponent("shard\(k)")
            try SweepDriver.execute(grid: g, shard: try SweepShard(index: k, count: 4), out: d, runOne: Self.fake)
            shardDirs.append(d)
        }
        let merged = try SweepMerge.mergeAndWrite(shardDirs.reversed(), to: root.appendingPathComponent("merged"))
        #expect(merged.missingRuns.isEmpty)
        let a = try String(contentsOf: root.appendingPathComponent("whole/runs.csv"), encoding: .utf8)
        let b = try String(contentsOf: root.appendingPathComponent("merged/runs.csv"), encoding: .utf8)
        #expect(a == b)
        let c = try String(contentsOf: root.appendingPathComponent("whole/aggregate.csv"), encoding: .utf8)
        let d = try String(contentsOf: root.appendingPathComponent("merged/aggregate.csv"), encoding: .utf8)
        #expect(c == d)
        #expect(merged.aggregate.rows.count == 6)
        // Merging without shard 2 reports the gaps.
        let partial = try SweepMerge.merge([shardDirs[0], shardDirs[1], shardDirs[3]])
        #expect(partial.missingRuns == [2, 6, 10, 14])
    }

    @Test func mergeRejectsMismatchedHeadersAndDuplicates() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let d1 = root.appendingPathComponent("s1"), d2 = root.appendingPathComponent("s2")
        try FileManager.default.createDirectory(at: d1, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: d2, withIntermediateDirectories: true)
        try "run,replication,param:a,meanInterval\n0,0,1,10\n".write(to: d1.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        try "run,replication,param:b,meanInterval\n1,0,1,10\n".write(to: d2.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        do {
            _ = try SweepMerge.merge([d1, d2])
            Issue.record("merge accepted mismatched headers")
        } catch let e as SweepError {
            guard case .headerMismatch = e else { Issue.record("wrong error \(e)"); return }
            #expect(e.description.contains("param:a, param:b"))
        }
        try "run,replication,param:a,meanInterval\n0,1,1,10\n".write(to: d2.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        #expect(throws: SweepError.duplicateRun(file: d2.appendingPathComponent("runs.csv").path, run: 0)) {
            try SweepMerge.merge([d1, d2])
        }
    }

    @Test func driverReportsTheFailingRun() throws {
        let root = try tempDir()
        defer { try? FileManager.default.removeItem(at: root) }
        let g = try SweepGrid(sets: ["a=1,2,3"])
        struct Boom: Error {}
        #expect(throws: SweepError.runFailed(run: 1, reason: "Boom()")) {
            try SweepDriver.execute(grid: g, jobs: 2, out: root) { run in
                if run.index >= 1 { throw Boom() }
                return ["x": 1]
            }
        }
    }
}
