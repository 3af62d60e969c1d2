import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

/// `/metrics` as Prometheus reads it: the node's exposition after real activity passes
/// `promtool check metrics` (Debian's `prometheus` package, installed by `make`) without a parse
/// error, every share-rejection reason and every transport is present, and the session gauges
/// return to zero after sessions close (once each, however often close is called).
@Suite struct MetricsExpositionTests {
    static func promtool() -> String? {
        ["/usr/bin/promtool", "/usr/local/bin/promtool"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test func exposionParsesAndGaugesStayConsistent() async throws {
        let node = try DevnetNode(config: Fixtures.config(theta0: 6_000_000), dataDir: Fixtures.tempDir("metrics"),
                                  options: NodeOptions(templateRefresh: .seconds(3600)))
        await node.start()
        let job = try #require(await node.currentJob())
        let (good, _) = NonceSearch.first(job) { $0 >= 0 }
        _ = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: good, tShareMicro: 0, worker: "t", source: .ws))
        _ = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: good, tShareMicro: 0, worker: "t", source: .ws))
        _ = await node.submitShare(ShareSubmission(jobId: "nope", nonce: good, tShareMicro: 0, worker: "t"))
        let rpc = DevnetRPC(node: node)
        let sessions = (0..<3).map { _ in GetworkSession(rpc: rpc) }
        #expect(node.metrics.render().contains("animica_miner_connected_sessions 3"))
        for s in sessions { s.close(); s.close() }
        let text = node.metrics.render()
        await node.stop()
        #expect(text.contains("animica_miner_connected_sessions 0"), "\(text)")
        #expect(text.contains(#"animica_miner_shares_accepted_total{transport="ws"} 1"#))
        #expect(text.contains(#"animica_miner_shares_rejected_total{reason="duplicate"} 1"#))
        #expect(text.contains(#"animica_miner_shares_rejected_total{reason="stale_job"} 1"#))
        for r in ShareRejection.allCases { #expect(text.contains("reason=\"\(r.label)\""), "reason \(r.label) missing") }
        for s in WorkSource.allCases { #expect(text.contains("transport=\"\(s.rawValue)\""), "transport \(s.rawValue) missing") }

        let tool = try #require(Self.promtool(), "promtool not found: `make deps` installs Debian's prometheus package")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["check", "metrics"]
        let inp = Pipe(), out = Pipe()
        p.standardInput = inp
        p.standardOutput = out
        p.standardError = out
        try p.run()
        try inp.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try inp.fileHandleForWriting.close()
        let report = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        // Exit 1 is a parse error; 3 lists lint advice only (e.g. missing HELP text).
        #expect(p.terminationStatus != 1 && !report.contains("parsing error"), "promtool: \(report)")
    }
}
