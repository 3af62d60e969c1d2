import Foundation
import Testing
import TestSupport

/// `simctl report`, `simctl export notebook` and `simctl merge` end to end through the binary.
@Suite struct ReportCommandTests {
    func copyOfFixture() throws -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("cli-report-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: ProjectPaths.root.appendingPathComponent("Tests/Fixtures/run-small"), to: u)
        return u
    }

    func jsonLine(_ s: String) throws -> [String: Any] {
        let lines = s.split(separator: "\n")
        #expect(lines.count == 1)
        return try #require(try JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8)) as? [String: Any])
    }

    @Test func reportWritesHTMLAndPrintsOneJSONLine() throws {
        let dir = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Simctl.run(["report", dir.path, "--bins", "20"])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try jsonLine(out.stdout)
        #expect(j["charts"] as? Int == 5)
        #expect(j["blocks"] as? Int == 116)
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 5)
        #expect(html.components(separatedBy: "<rect class=\"bar\" ").count - 1 == 20)
    }

    @Test func exportNotebookWritesIpynb() throws {
        let dir = try copyOfFixture()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Simctl.run(["export", "notebook", dir.path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(try jsonLine(out.stdout)["nbformat"] as? Int == 4)
        let nb = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("analysis.ipynb"))) as? [String: Any]
        #expect(nb?["nbformat"] as? Int == 4)
    }

    @Test func badInputFailsWithOneLine() throws {
        for args in [["report", "/nonexistent/run"], ["report", ".", "--bins", "3"], ["export", "notebook", "/nonexistent/run"],
                     ["merge", "/nonexistent/a", "--out", "/tmp/x"], ["merge", "--out", "/tmp/x"],
                     ["sweep", "Package.swift", "--shard", "4/4", "--out", "/tmp/x"], ["sweep", "Package.swift", "--set", "a=", "--out", "/tmp/x"],
                     ["sweep", "/nonexistent.toml", "--out", "/tmp/x"]] {
            let out = try Simctl.run(args)
            #expect(out.status != 0, "\(args)")
            #expect(out.stdout.isEmpty, "\(args)")
            let lines = out.stderr.split(separator: "\n").filter { !$0.isEmpty }
            #expect(lines.count == 1, "\(args): \(out.stderr)")
        }
    }

    @Test func mergeJoinsShardsAndRejectsMismatchedHeaders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cli-merge-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b"), c = root.appendingPathComponent("c")
        for d in [a, b, c] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "run,replication,param:x,meanInterval\n0,0,1,9\n2,0,2,19\n".write(to: a.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        try "run,replication,param:x,meanInterval\n1,1,1,11\n3,1,2,21\n".write(to: b.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        try "run,replication,param:y,meanInterval\n4,0,1,9\n".write(to: c.appendingPathComponent("runs.csv"), atomically: true, encoding: .utf8)
        let ok = try Simctl.run(["merge", a.path, b.path, "--out", root.appendingPathComponent("out").path])
        #expect(ok.status == 0, "\(ok.stderr)")
        let j = try jsonLine(ok.stdout)
        #expect(j["runs"] as? Int == 4)
        #expect(j["combinations"] as? Int == 2)
        let runs = try String(contentsOf: root.appendingPathComponent("out/runs.csv"), encoding: .utf8)
        #expect(runs == "run,replication,param:x,meanInterval\n0,0,1,9\n1,1,1,11\n2,0,2,19\n3,1,2,21\n")
        let agg = try String(contentsOf: root.appendingPathComponent("out/aggregate.csv"), encoding: .utf8)
        #expect(agg.hasPrefix("param:x,runs,meanInterval.n,meanInterval.mean,meanInterval.sd,meanInterval.ci95_low,meanInterval.ci95_high\n1,2,2,10,"))

        let bad = try Simctl.run(["merge", a.path, c.path, "--out", root.appendingPathComponent("out2").path])
        #expect(bad.status != 0)
        #expect(bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.contains("header does not match"))
    }
}
