import Logging
import MiningCore
import Synchronization

/// The CPU miner working for another node: `simctl mine --connect stratum+tcp://HOST:PORT` or
/// `--connect ws://HOST:PORT/ws`.
public enum ExternalMiner {
    /// What the miner reports while it runs.
    public enum Event: Sendable, Equatable {
        case connected(extranonce1: UInt32)
        case job(jobId: String, tShareMicro: Int64)
        case share(jobId: String, verdict: ShareVerdict)
    }

    /// Where work comes from, parsed from `--connect`.
    public enum Endpoint: Sendable, Equatable {
        case stratum(host: String, port: Int)
        case webSocket(url: String)

        public init(url: String) throws(ExternalWorkError) {
            if url.hasPrefix("stratum+tcp://") {
                let rest = url.dropFirst("stratum+tcp://".count)
                guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]),
                      (1...65535).contains(port), colon > rest.startIndex else { throw .badURL(url) }
                var host = String(rest[..<colon])
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                self = .stratum(host: host, port: port)
            } else if url.hasPrefix("ws://") || url.hasPrefix("wss://") {
                guard url.split(separator: "/").count >= 2 else { throw .badURL(url) }
                self = .webSocket(url: url)
            } else {
                throw .badURL(url)
            }
        }
    }

    /// Mines for the node at `url` with `threads` scanning tasks until cancelled (or the remote
    /// closes: then it throws ``ExternalWorkError/connectionClosed``).
    public static func run(url: String, threads: Int, worker: String = "simctl",
                           logger: Logger = Logger(label: "animica.miner.external"),
                           onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws {
        let endpoint = try Endpoint(url: url)
        let sink: @Sendable (Event) -> Void = { e in
            logger.debug("external miner", metadata: ["event": "\(e)"])
            onEvent(e)
        }
        switch endpoint {
        case .stratum(let host, let port):
            try await StratumClient.withConnection(host: host, port: port, worker: worker) { client in
                sink(.connected(extranonce1: client.extranonce1))
                await ScanLoop.mine(jobs: client.jobs, threads: threads, onJob: { sink(.job(jobId: $0.jobId, tShareMicro: $0.tShareMicro)) }) { job, nonce in
                    let verdict = (try? await client.submit(job, nonce: nonce)) ?? .rejected(code: 20, message: "connection closed")
                    sink(.share(jobId: job.jobId, verdict: verdict))
                }
            }
        case .webSocket(let url):
            try await GetworkClient.withConnection(url: url, logger: logger) { client in
                sink(.connected(extranonce1: client.extranonce1))
                await ScanLoop.mine(jobs: client.jobs, threads: threads, onJob: { sink(.job(jobId: $0.jobId, tShareMicro: $0.tShareMicro)) }) { job, nonce in
                    let verdict = (try? await client.submit(job, nonce: nonce)) ?? .rejected(code: 20, message: "connection closed")
                    sink(.share(jobId: job.jobId, verdict: verdict))
                }
            }
        }
        if !Task.isCancelled { throw ExternalWorkError.connectionClosed }
    }
}

/// A simple CPU scan over external jobs: thread `i` uses extranonce2 = `i` and counts up from 0
/// per job. Each nonce costs one Keccak-512 over the cached 4-block midstate of the sign-bytes,
/// and the first 32 digest bytes are compared with `X(tShare)` (spec §3) — no `ln` per nonce.
public enum ScanLoop {
    public static func mine(jobs: AsyncStream<ExternalJob>, threads: Int,
                            onJob: @escaping @Sendable (ExternalJob) -> Void = { _ in },
                            submit: @escaping @Sendable (ExternalJob, Nonce) async -> Void) async {
        let latest = LatestJob()
        await withDiscardingTaskGroup { group in
            for thread in 0..<max(1, threads) {
                group.addTask {
                    var generation = -1
                    var prepared: Prepared?
                    var counter: UInt64 = 0
                    while !Task.isCancelled {
                        let (g, job) = latest.withLock { ($0.generation, $0.job) }
                        guard let job else {
                            try? await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        if g != generation {
                            if prepared?.job.jobId != job.jobId { counter = 0 }
                            prepared = Prepared(job)
                            generation = g
                        }
                        guard let p = prepared, let x = p.threshold else {
                            try? await Task.sleep(for: .milliseconds(20))
                            continue
                        }
                        for _ in 0..<512 {
                            let nonce = Nonce(extranonce1: job.extranonce1, extranonce2: UInt32(thread), counter: counter)
                            counter &+= 1
                            if Threshold.meets(p.x(nonce), x) { await submit(job, nonce) }
                        }
                        await Task.yield()
                    }
                }
            }
            for await job in jobs {
                latest.withLock { $0 = ($0.generation + 1, job) }
                onJob(job)
            }
            group.cancelAll()
        }
    }

    final class LatestJob: Sendable {
        private let state = Mutex<(generation: Int, job: ExternalJob?)>((0, nil))
        func withLock<R>(_ body: (inout (generation: Int, job: ExternalJob?)) -> R) -> R { state.withLock { body(&$0) } }
    }

    /// A job's cached midstate and threshold.
    struct Prepared {
        let job: ExternalJob
        let midstate: Keccak512
        let threshold: [UInt8]?

        init(_ job: ExternalJob) {
            self.job = job
            var k = Keccak512()
            k.update(job.template.signBytes)
            midstate = k
            threshold = Threshold.X(t: job.tShareMicro)
        }

        /// `x`: the first 32 bytes of Keccak-512(signBytes ‖ nonce ‖ mixSeed).
        func x(_ nonce: Nonce) -> ArraySlice<UInt8> {
            var k = midstate
            k.update(nonce.bytes)
            k.update(job.template.nonceDomain.mixSeed)
            return k.finalize()[0..<32]
        }
    }
}
