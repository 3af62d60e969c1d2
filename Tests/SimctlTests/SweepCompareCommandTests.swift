import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `simctl sweep` (progress, --resume after a real kill, report and notebook of a sweep folder) and
/// `simctl compare` end to end through the binary.
@Suite struct SweepCompareCommandTests {
    func tempDir(_ tag: String) throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }

    /// 3 rules × 8 replications of 400 000 blocks, one at a time: long enough (~0.15 s a run on a
    /// quiet machine) to be killed mid-way.
    static let sweepArgs = ["sweep", "Scenarios/retarget-compare.toml", "--set", "chain.retarget.rule=ema,window,asert",
                            "--set", "scenario.blocks=400000", "--replications", "8", "--jobs", "1"]

    func runFiles(_ out: URL) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("runs.d").path)) ?? [])
            .filter { $0.hasSuffix(".csv") && !$0.hasPrefix(".") }.count
    }

    @Test(.timeLimit(.minutes(15))) func killedSweepResumesToByteIdenticalFiles() async throws {
        try await HeavyTests.exclusive {
            let root = try tempDir("resume")
            defer { try? FileManager.default.removeItem(at: root) }
            let whole = root.appendingPathComponent("whole"), killed = root.appendingPathComponent("killed")
            let full = try Simctl.run(Self.sweepArgs + ["--out", whole.path], timeout: 300)
            #expect(full.status == 0, "\(full.stderr)")
            // Not a terminal: one plain progress line at the end, with the counts.
            #expect(full.stderr.contains("sweep: 24/24 runs done in"), "\(full.stderr)")

            let p = try SimctlProcess(Self.sweepArgs + ["--out", killed.path])
            // A blocking poll, not Task.sleep: with the suite's other tests holding the cooperative
            // threads, an awaiting loop woke too late and the sweep had finished (seen once).
            let deadline = Date().addingTimeInterval(120)
            while runFiles(killed) < 3 && p.isRunning && Date() < deadline { usleep(2_000) }
            p.send(SIGKILL)
            let status = await p.waitForExit(timeout: 30)
            #expect(status != nil && status != 0, "the sweep finished before it could be killed")
            let saved = runFiles(killed)
            #expect(saved >= 3 && saved < 24, "\(saved) runs saved at the kill")
            #expect(!FileManager.default.fileExists(atPath: killed.appendingPathComponent("runs.csv").path))

            let resumed = try Simctl.run(Self.sweepArgs + ["--out", killed.path, "--resume"], timeout: 300)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            #expect(resumed.stderr.contains("sweep: 24/24 runs done"), "\(resumed.stderr)")
            for f in ["runs.csv", "aggregate.csv", "sweep.json"] {
                let a = try Data(contentsOf: whole.appendingPathComponent(f)), b = try Data(contentsOf: killed.appendingPathComponent(f))
                #expect(a == b, "\(f) differs between the uninterrupted and the killed-and-resumed sweep")
            }
            // The resumed folder reports and exports like any sweep.
            let report = try Simctl.run(["report", killed.path])
            #expect(report.status == 0, "\(report.stderr)")
            let html = try String(contentsOf: killed.appendingPathComponent("report.html"), encoding: .utf8)
            #expect(html.contains("<svg "))
            #expect(html.contains("chain.retarget.rule"))
            let nb = try Simctl.run(["export", "notebook", killed.path])
            #expect(nb.status == 0, "\(nb.stderr)")
            // A resume with another grid is refused with the file named.
            let other = try Simctl.run(["sweep", "Scenarios/retarget-compare.toml", "--set", "chain.retarget.rule=ema,asert",
                                        "--replications", "4", "--out", killed.path, "--resume"])
            #expect(other.status != 0)
            #expect(other.stderr.contains("sweep.json"), "\(other.stderr)")
        }
    }

    func comparisons(_ stdout: String) throws -> [[String: Any]] {
        let j = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(j["comparisons"] as? [[String: Any]])
    }

    /// The shipped pair differs only in asert-v1's half-life: replication by replication the
    /// outcomes move together, so the paired intervals are narrower than the unpaired ones on the
    /// same runs (measured: variance reduction 12–59× for these metrics).
    @Test func pairedIntervalIsNarrowerThanUnpairedOnTheShippedPair() throws {
        let dir = try tempDir("compare")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Simctl.run(["compare", "Scenarios/retarget-compare-asert.toml", "Scenarios/retarget-compare-asert-slow.toml",
                                  "--replications", "8", "--set", "scenario.blocks=5000", "--jobs", "2", "--json",
                                  "--out", dir.path], timeout: 300)
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try comparisons(out.stdout)
        for metric in Self.narrowerMetrics {
            let r = try #require(rows.first { $0["metric"] as? String == metric }, "no row for \(metric)")
            let paired = (r["diff.ci95_high"] as! Double) - (r["diff.ci95_low"] as! Double)
            let unpaired = (r["unpaired.ci95_high"] as! Double) - (r["unpaired.ci95_low"] as! Double)
            #expect(paired < unpaired, "\(metric): paired width \(paired), unpaired \(unpaired)")
            #expect((r["varianceReduction"] as! Double) > 1)
        }
        let csv = try String(contentsOf: dir.appendingPathComponent("compare.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("combination,param:scenario,metric,n,baseline.mean,mean,diff.mean"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs.csv").path))
    }

    static let narrowerMetrics = ["meanInterval", "sdInterval", "steadyLossVsGreedy", "group.greedy.blockShare"]

    @Test func scenarioAgainstItselfDiffersByExactlyZero() throws {
        let out = try Simctl.run(["compare", "Scenarios/baseline.toml", "Scenarios/baseline.toml", "--replications", "3",
                                  "--set", "scenario.blocks=2000", "--json", "--quiet"], timeout: 120)
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try comparisons(out.stdout)
        #expect(rows.count > 20)
        for r in rows where (r["n"] as? Int ?? 0) > 0 {
            #expect(r["diff.mean"] as? Int == 0, "\(r)")
            #expect(r["diff.ci95_low"] as? Int == 0 && r["diff.ci95_high"] as? Int == 0, "\(r)")
        }
        // Folder pairs are the emulation comparison of a later issue: refused with a message.
        let dirs = try Simctl.run(["compare", "Tests", "Sources"])
        #expect(dirs.status == 2 && dirs.stderr.contains("not supported yet"), "\(dirs.stderr)")
    }
}
