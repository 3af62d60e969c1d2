import ArgumentParser
import Devnet
import Foundation
import MiningCore
import Synchronization

/// `simctl bench stratum`: a load generator over loopback against an in-process Stratum server
/// backed by ``InMemoryWorkProvider``. Every share is fully validated (job, duplicate, the whole
/// u-draw with exact `H`). The baseline is the same validation without the network, on one core,
/// measured in the same run.
struct BenchStratum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stratum",
        abstract: "Shares/s validated and submit→response latency of the Stratum server under N sessions.",
        discussion: """
        Starts a Stratum server on 127.0.0.1 (ephemeral port) and N client sessions in the same \
        process (the load generator runs as event-loop handlers, so it costs the server little \
        of the two shared cores). Each session subscribes, authorizes, then submits shares at \
        its share of --rate (or back to back with --rate 0): nonces that meet the session's low \
        share threshold (--tshare), precomputed before the timed window, so the server's full \
        u-draw accepts them. Prints one JSON object with sharesPerSec, p50Ms/p99Ms/maxMs and \
        the ratio to an in-process validator baseline (one core, no sockets, same run).

        --soak runs for --seconds with a clean job every 30 s and prints a line with the \
        process RSS (VmRSS of /proc/self/status; server and generator share the process) every \
        --rss-interval seconds.
        """
    )

    @Option(help: "Concurrent sessions (integer ≥ 1).")
    var sessions: Int = 1000
    @Option(help: "Timed window in seconds (integer ≥ 1).")
    var seconds: Int = 10
    @Option(name: .customLong("tshare"), help: "Share threshold in µ-nats (integer ≥ 0); 1000 accepts 99.9% of nonces.")
    var tShare: Int64 = 1000
    @Option(help: "Offered load in shares/s over all sessions (paced, open loop); 0 = every session submits back to back (closed loop: latency then measures queueing, sessions ÷ throughput).")
    var rate: Int = 30_000
    @Flag(help: "Soak mode: rotate jobs and report RSS at intervals; nonces are filtered on the fly.")
    var soak = false
    @Option(name: .customLong("rss-interval"), help: "Seconds between soak RSS lines (integer ≥ 1).")
    var rssInterval: Int = 30
    @Flag(help: "Accepted for symmetry with other commands; output is always JSON.")
    var json = false

    func run() async throws {
        guard sessions >= 1 else { throw CLI.fail("--sessions", "expected an integer ≥ 1") }
        guard seconds >= 1 else { throw CLI.fail("--seconds", "expected an integer ≥ 1") }
        guard tShare >= 0 else { throw CLI.fail("--tshare", "expected an integer ≥ 0") }
        guard rate >= 0 else { throw CLI.fail("--rate", "expected an integer ≥ 0") }
        guard rssInterval >= 1 else { throw CLI.fail("--rss-interval", "expected an integer ≥ 1") }

        let job0 = SyntheticJob.make(seed: 1, thetaMicro: 20_000_000, blockTarget: Int64.max)
        let baseline = Self.validatorBaseline(job0, tShare: tShare)

        let provider = InMemoryWorkProvider(configuration: .init(jobTTL: .seconds(3600), maxJobs: 2, maxSeenPerJob: 1 << 22))
        await provider.push(job0)
        let session = StratumSession.Configuration(
            initialTShareMicro: tShare, targetSharesPerMinute: nil, bucketCapacity: 1e6, bucketRefillPerSecond: 1e6,
            banMinShares: Int.max)
        let server = try await StratumServer.bind(
            provider: provider,
            configuration: .init(host: "127.0.0.1", port: 0, session: session, globalSubmitCapacity: 1e9, globalSubmitRefillPerSecond: 1e9),
            peers: PeerRegistry(configuration: .init(maxConnectionsPerAddress: sessions + 16)),
            metrics: .discarding())
        let port = server.localPort
        let rssStart = Self.rssKiB()
        let perSession = soak ? 0 : max(32, Int(Double(seconds) * Double(rate > 0 ? rate + rate / 4 : 60_000) / Double(sessions)))
        // Each session submits every `interval` (nil: back to back).
        let interval: Duration? = rate > 0 ? .nanoseconds(Int64(Double(sessions) / Double(rate) * 1e9)) : nil
        let load = StratumLoadGenerator(port: port, sessions: sessions, plan: .init(perSession: perSession, interval: interval))
        let stats = load.stats

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            try await load.connect()
            let t0 = ContinuousClock.now
            let deadline = t0 + .seconds(seconds)
            load.start(for: .seconds(seconds))
            if soak {
                var nextJob = t0 + .seconds(30), nextReport = t0 + .seconds(rssInterval), seed: UInt64 = 2
                var lastCount = 0, lastAt = t0
                while ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    let now = ContinuousClock.now
                    if now >= nextJob {
                        await provider.push(SyntheticJob.make(seed: seed, thetaMicro: 20_000_000, blockTarget: Int64.max, cleanJobs: true))
                        seed += 1
                        nextJob = now + .seconds(30)
                    }
                    if now >= nextReport {
                        let count = stats.validated
                        let rate = Double(count - lastCount) / Self.seconds(now - lastAt)
                        CLI.printJSON([
                            "elapsedS": .int(Int64(Self.seconds(now - t0))), "rssKiB": .int(Int64(Self.rssKiB())),
                            "sharesPerSec": .int(Int64(rate)), "seenNonces": .int(Int64(await provider.seenCount())),
                            "sessions": .int(Int64(server.metrics.connectedSessions)),
                        ])
                        lastCount = count; lastAt = now
                        nextReport = now + .seconds(rssInterval)
                    }
                }
            } else {
                try await Task.sleep(until: deadline)
            }
            let elapsed = Self.seconds(ContinuousClock.now - t0)
            // Sessions stop at the deadline; give in-flight submits a moment, then stop everything.
            try await Task.sleep(for: .milliseconds(300))
            let (p50, p99, pmax) = stats.percentiles()
            let rate = Double(stats.validated) / elapsed
            CLI.printJSON([
                "mode": soak ? "soak" : "throughput",
                "sessions": .int(Int64(sessions)), "seconds": .int(Int64(seconds)),
                "tShareMicro": .int(tShare), "offeredRate": .int(Int64(self.rate)), "cores": .int(Int64(ProcessInfo.processInfo.activeProcessorCount)),
                "sharesValidated": .int(Int64(stats.validated)), "accepted": .int(Int64(stats.accepted)),
                "rejected": .int(Int64(stats.rejected)), "exhaustedSessions": .int(Int64(stats.exhausted)),
                "failedSessions": .int(Int64(stats.failedSessions)),
                "sharesPerSec": .int(Int64(rate)),
                "p50Ms": .double(Self.round3(p50)), "p99Ms": .double(Self.round3(p99)), "maxMs": .double(Self.round3(pmax)),
                "validatorOnlyPerSec": .int(Int64(baseline)),
                "ratioToValidatorOnly": .double(Self.round3(rate / baseline)),
                "rssStartKiB": .int(Int64(rssStart)), "rssEndKiB": .int(Int64(Self.rssKiB())),
            ])
            load.close()
            await provider.finish()
            group.cancelAll()
        }
    }

    /// Same validation without sockets or JSON, one core, for ~1 s.
    static func validatorBaseline(_ job: MiningJob, tShare: Int64) -> Double {
        var v = ShareValidator(configuration: .init(maxSeenPerJob: 1 << 22))
        let now = ContinuousClock.now
        v.add(job, now: now)
        var n = 0
        let start = ContinuousClock.now
        while ContinuousClock.now - start < .seconds(1) {
            for _ in 0..<256 {
                _ = v.validate(ShareSubmission(jobId: job.jobId, nonce: Nonce(counter: UInt64(n)), tShareMicro: tShare, worker: "b"), now: now)
                n += 1
            }
        }
        return Double(n) / seconds(ContinuousClock.now - start)
    }

    static func seconds(_ d: Duration) -> Double {
        let (s, a) = d.components
        return Double(s) + Double(a) * 1e-18
    }

    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    /// VmRSS of this process in KiB (0 where /proc is unavailable).
    static func rssKiB() -> Int {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }
}

