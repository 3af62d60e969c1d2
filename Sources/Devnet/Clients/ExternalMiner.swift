import Logging
import MiningCore
import Synchronization
import Verifiers

/// The CPU miner working for another node: `simctl mine --connect stratum+tcp://HOST:PORT` or
/// `--connect ws://HOST:PORT/ws`.
public enum ExternalMiner {
    /// What the miner reports while it runs.
    public enum Event: Sendable, Equatable {
        case connected(extranonce1: UInt32)
        /// `proofs`: the job's proof hints (on the session's own job, its proofs' nullifiers);
        /// `own`: what the miner knows of those of its own proofs (see ``OwnProofNotes``).
        case job(jobId: String, tShareMicro: Int64, proofs: [String], own: [OwnProofNote])
        case share(jobId: String, verdict: ShareVerdict)
        /// One of the miner's own proofs and the node's answer.
        case proof(type: ProofType, nullifier: [UInt8], verdict: ProofVerdict)
        /// A provider failed to make its proof for a parent.
        case proofFailed(type: ProofType, error: String)
        /// A proof not submitted because the session's held proofs already reach a limit of the
        /// miner's selection overlay (`reason` says which; see ``SubmissionLedger``).
        case proofSkipped(type: ProofType, nullifier: [UInt8], reason: String)
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
    /// closes: then it throws ``ExternalWorkError/connectionClosed``). `providers` make the
    /// miner's own proofs: once per new parent, each is submitted on the session (spec v1.1 §9).
    /// `selectionCaps` (a selection overlay applied to the network policy) limits what is
    /// submitted so the node never holds more for the session than the overlay allows.
    public static func run(url: String, threads: Int, maxHashesPerSecond: Double? = nil, worker: String = "simctl",
                           providers: [any ProofProvider] = [], selectionCaps: CapsPolicy? = nil,
                           logger: Logger = Logger(label: "animica.miner.external"),
                           onEvent: @escaping @Sendable (Event) -> Void = { _ in }) async throws {
        let endpoint = try Endpoint(url: url)
        let notes = OwnProofNotes()
        let sink: @Sendable (Event) -> Void = { e in
            logger.debug("external miner", metadata: ["event": "\(e)"])
            if case .proof(let type, let nullifier, .held(let psi)) = e { notes.note(.init(nullifier: nullifier, type: type, psiRawMicro: psi)) }
            onEvent(e)
        }
        let jobEvent: @Sendable (ExternalJob) -> Void = {
            sink(.job(jobId: $0.jobId, tShareMicro: $0.tShareMicro, proofs: $0.proofHints, own: notes.lookup($0.proofHints)))
        }
        switch endpoint {
        case .stratum(let host, let port):
            try await StratumClient.withConnection(host: host, port: port, worker: worker) { client in
                sink(.connected(extranonce1: client.extranonce1))
                let feeder = ProofFeeder(providers: providers, caps: selectionCaps,
                                         submit: { try await client.submitProof($0) }, onEvent: sink)
                await ScanLoop.mine(jobs: client.jobs, threads: threads, maxHashesPerSecond: maxHashesPerSecond, onJob: {
                    jobEvent($0)
                    feeder.saw($0.template)
                }) { job, nonce in
                    feeder.submitting(job, nonce: nonce)
                    // A share still queued when the connection closed never reached the node: not a verdict.
                    guard let verdict = try? await client.submit(job, nonce: nonce) else { return }
                    if verdict == .accepted(isBlock: false) { notes.noteShare(job.template, nonce) }
                    sink(.share(jobId: job.jobId, verdict: verdict))
                }
                await feeder.stop()
            }
        case .webSocket(let url):
            try await GetworkClient.withConnection(url: url, logger: logger) { client in
                sink(.connected(extranonce1: client.extranonce1))
                let feeder = ProofFeeder(providers: providers, caps: selectionCaps,
                                         submit: { try await client.submitProof($0) }, onEvent: sink)
                await ScanLoop.mine(jobs: client.jobs, threads: threads, maxHashesPerSecond: maxHashesPerSecond, onJob: {
                    jobEvent($0)
                    feeder.saw($0.template)
                }) { job, nonce in
                    feeder.submitting(job, nonce: nonce)
                    // A share still queued when the connection closed never reached the node: not a verdict.
                    guard let verdict = try? await client.submit(job, nonce: nonce) else { return }
                    if verdict == .accepted(isBlock: false) { notes.noteShare(job.template, nonce) }
                    sink(.share(jobId: job.jobId, verdict: verdict))
                }
                await feeder.stop()
            }
        }
        if !Task.isCancelled { throw ExternalWorkError.connectionClosed }
    }
}

/// The CPU miner for external jobs: MiningCore's ``NonceScanner`` (one permutation per nonce
/// over the u-draw midstate, AVX-512 where the CPU has it) with the job's share target
/// `X(tShare)` (spec §3). Thread `i` uses extranonce2 = `i` and counts up from 0 per job.
public enum ScanLoop {
    /// Mines each job of `jobs` until the stream ends (or the task is cancelled), calling
    /// `submit` for every share in the order found. A job that repeats the current one (same id,
    /// template and share target) keeps the scan going instead of restarting its counters, so it
    /// does not resubmit shares already found. `maxHashesPerSecond` caps the total hash rate.
    public static func mine(jobs: AsyncStream<ExternalJob>, threads: Int, maxHashesPerSecond: Double? = nil,
                            onJob: @escaping @Sendable (ExternalJob) -> Void = { _ in },
                            submit: @escaping @Sendable (ExternalJob, Nonce) async -> Void) async {
        let current = Mutex<(generation: UInt64, job: ExternalJob)?>(nil)
        // When the current job moved to a new parent: shares queued for an older parent are sent
        // only within the node's stale grace (1 s), then dropped instead of being answered 21.
        let headSince = HeadSince()
        // Shares wait here for `submit` (bounded: under overload the oldest are dropped, which
        // costs only shares a slow link could not have delivered in time anyway).
        let (found, sink) = AsyncStream<(ExternalJob, Nonce)>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let scanner = NonceScanner(configuration: .init(threads: max(1, threads), batchSize: 1024,
                                                        maxHashesPerSecond: maxHashesPerSecond)) { event in
            guard event.hit.isShare, let cur = current.withLock({ $0 }), cur.generation == event.generation,
                  let nonce = Nonce(bytes: event.hit.nonce) else { return }
            sink.yield((cur.job, nonce))
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await (job, nonce) in found {
                    if headSince.isObsolete(job.template.parentHash) { continue }
                    await submit(job, nonce)
                }
            }
            var jobCount: UInt32 = 0
            for await job in jobs {
                if Task.isCancelled { break }
                onJob(job)
                if let cur = current.withLock({ $0 }), cur.job == job { continue }
                guard var work = try? ScanWork(signBytes: job.template.signBytes, mixSeed: job.template.nonceDomain.mixSeed,
                                               extranonce1: job.extranonce1, shareTarget: Threshold.X(t: job.tShareMicro),
                                               blockTarget: nil) else { continue }
                // A fresh extranonce2 range per job: a job re-issued at another threshold (same
                // template) must not re-find the shares already sent for it (22 duplicate).
                jobCount &+= 1
                work.extranonce2Offset = jobCount &* UInt32(truncatingIfNeeded: max(1, threads))
                headSince.update(job.template.parentHash)
                // Publish the job before the scanner can report hits for its generation.
                current.withLock { $0 = (scanner.submit(work), job) }
            }
            _ = scanner.stop()
            sink.finish()
            group.cancelAll()
        }
    }

    /// A job's cached midstate and threshold: one full Keccak-512 per nonce, for tools that
    /// check a few nonces (the Stratum load generator), not for mining.
    public struct Prepared: Sendable {
        public let job: ExternalJob
        let midstate: Keccak512
        /// `X(tShare)`; `nil` when no nonce can reach the threshold.
        public let threshold: [UInt8]?

        public init(_ job: ExternalJob) {
            self.job = job
            var k = Keccak512()
            k.update(job.template.signBytes)
            midstate = k
            threshold = Threshold.X(t: job.tShareMicro)
        }

        /// `x`: the first 32 bytes of Keccak-512(signBytes ‖ nonce ‖ mixSeed).
        public func x(_ nonce: Nonce) -> ArraySlice<UInt8> {
            var k = midstate
            k.update(nonce.bytes)
            k.update(job.template.nonceDomain.mixSeed)
            return k.finalize()[0..<32]
        }
    }
}

/// The parent of the current job, and when earlier parents were replaced: a share found for an
/// older parent is worth sending only within the node's stale grace (1 s; 0.9 s leaves time for
/// the trip), after that it would only be answered 21.
final class HeadSince: Sendable {
    private struct State {
        var current: [UInt8]?
        var replaced: [[UInt8]: ContinuousClock.Instant] = [:]
    }
    private let state = Mutex(State())

    func update(_ parent: [UInt8]) {
        state.withLock { s in
            guard s.current != parent else { return }
            let now = ContinuousClock.now
            if let old = s.current { s.replaced[old] = now }
            s.current = parent
            if s.replaced.count > 256 { s.replaced = s.replaced.filter { now - $0.value < .seconds(2) } }
        }
    }

    func isObsolete(_ parent: [UInt8]) -> Bool {
        state.withLock { s in
            guard s.current != parent else { return false }
            guard let at = s.replaced[parent] else { return true }
            return ContinuousClock.now - at > .milliseconds(900)
        }
    }
}

/// Runs an external miner's proof providers once per new parent and submits what they make on
/// the session. A new parent cancels the previous parent's work (its proofs could only be
/// refused as stale); a proof the node refuses is reported, not retried.
///
/// With a selection overlay (`caps`) it keeps a ``SubmissionLedger`` of what the node holds for
/// the session and submits only what keeps that within the overlay. It learns which proofs a
/// block of its own used without any reply saying so (Stratum's `mining.submit` answers only
/// `true`): before each share on a job carrying its proofs is sent, it notes the block hash that
/// share would seal; when a later job's parent is one of those hashes, that block was this
/// miner's, and it carried the job's proofs.
final class ProofFeeder: Sendable {
    typealias Submit = @Sendable (JSONValue) async throws -> ProofVerdict
    private let providers: [any ProofProvider]
    private let submit: Submit
    private let onEvent: @Sendable (ExternalMiner.Event) -> Void

    /// The proofs a block sealed by one of this miner's shares would carry: the job's hinted
    /// nullifiers (Stratum), or — a WebSocket own job, which has no hints — unknown.
    enum Carried: Sendable, Equatable {
        case nullifiers([[UInt8]])
        case unknown
    }
    private struct State {
        var parent: [UInt8]?
        var task: Task<Void, Never>?
        var stopped = false
        var ledger: SubmissionLedger?
        /// Block hash → what it carries, for the shares sent on the current parent's own jobs.
        var candidates: [[UInt8]: Carried] = [:]
    }
    private let state: Mutex<State>
    /// Candidate blocks remembered per parent (a share's block hash and the job's hints, ~100
    /// bytes each); past this a parent's further shares are not noted.
    static let maxCandidates = 1 << 16

    init(providers: [any ProofProvider], caps: CapsPolicy? = nil, submit: @escaping Submit,
         onEvent: @escaping @Sendable (ExternalMiner.Event) -> Void) {
        self.providers = providers
        self.submit = submit
        self.onEvent = onEvent
        self.state = Mutex(State(ledger: caps.map(SubmissionLedger.init(caps:))))
    }

    /// The ledger now (tests).
    var ledger: SubmissionLedger? { state.withLock { $0.ledger } }

    /// A share of `job` is about to be sent: note the block it would seal if the job carries
    /// proofs this session holds. Called before the send, so the note exists before the node can
    /// announce the block.
    func submitting(_ job: ExternalJob, nonce: Nonce) {
        state.withLock { s in
            guard let ledger = s.ledger, !ledger.entries.isEmpty, s.candidates.count < Self.maxCandidates,
                  job.template.parentHash == s.parent else { return }
            let carried: Carried
            let hinted = job.proofHints.compactMap { try? Hex.decode($0, requirePrefix: false) }.filter { ledger.entries[$0] != nil }
            if !hinted.isEmpty {
                carried = .nullifiers(hinted)
            } else if job.proofHints.isEmpty, job.jobId.hasSuffix("-" + StratumInbound.hex(UInt64(job.extranonce1), digits: 8)) {
                carried = .unknown  // a WebSocket own job: `<run>-<round>-<extranonce1>`, no hints
            } else {
                return  // a common job: it carries none of the session's proofs
            }
            let hash = SHA3_256.hash(UDraw.preimage(signBytes: job.template.signBytes, nonce: nonce,
                                                    mixSeed: job.template.nonceDomain.mixSeed))
            s.candidates[hash] = carried
        }
    }

    /// A job arrived: on a new parent, update the ledger (the parent may be this miner's block;
    /// parent-bound proofs are gone), then make and submit this parent's proofs.
    func saw(_ template: HeaderTemplate) {
        guard !providers.isEmpty else { return }
        let parent = ProofParent(template: template)
        let providers = self.providers, submit = self.submit, onEvent = self.onEvent
        state.withLock { s in
            guard !s.stopped, s.parent != parent.hash else { return }
            s.parent = parent.hash
            switch s.candidates[parent.hash] {
            case .nullifiers(let used)?: s.ledger?.used(used)
            case .unknown?: s.ledger?.usedUnknown()
            case nil: break
            }
            s.candidates = [:]
            s.ledger?.parentChanged()
            // Chained: the new parent's work starts when the old one's has stopped, so only the
            // latest task needs awaiting and provider work never piles up.
            let previous = s.task
            previous?.cancel()
            s.task = Task.detached { [self] in
                await previous?.value
                guard !Task.isCancelled else { return }
                await withTaskGroup(of: Void.self) { group in
                    for p in providers {
                        group.addTask {
                            guard !Task.isCancelled else { return }
                            let envelopes: [ProofEnvelope]
                            do { envelopes = try await p.proofs(for: parent) } catch {
                                onEvent(.proofFailed(type: p.type, error: "\(error)"))
                                return
                            }
                            for e in envelopes {
                                guard !Task.isCancelled else { return }
                                if let skip = self.reserve(e) {
                                    onEvent(.proofSkipped(type: e.type, nullifier: e.nullifier, reason: skip.description))
                                    continue
                                }
                                let v = try? await submit(e.json)
                                self.answered(e, v)
                                guard let v else { return }
                                onEvent(.proof(type: e.type, nullifier: e.nullifier, verdict: v))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The overlay's rule for `e` (nil: submit it; it is reserved in the ledger meanwhile).
    private func reserve(_ e: ProofEnvelope) -> SubmissionLedger.Skip? {
        state.withLock { $0.ledger?.reserve(type: e.type, nullifier: e.nullifier) }
    }

    private func answered(_ e: ProofEnvelope, _ v: ProofVerdict?) {
        var psi: Int64?
        if case .held(let p)? = v { psi = p }
        state.withLock { $0.ledger?.answered(nullifier: e.nullifier, heldPsiRawMicro: psi) }
    }

    /// Cancels the current parent's work and waits for it: no proof computation (OpenSSL,
    /// OpenBLAS) may outlive the miner — at process exit one would crash in OpenSSL's cleanup.
    func stop() async {
        let task = state.withLock { s in
            s.stopped = true
            s.task?.cancel()
            defer { s.task = nil }
            return s.task
        }
        await task?.value
    }
}
