import Foundation
import Logging
import MiningCore
import Synchronization
import Verifiers

/// The devnet node: chain index + durable store + template/job issuer + share sealer.
///
/// Every block (sealed here or submitted) is validated by ``BlockValidator``, written to the
/// ``BlockStore`` in one transaction and only then applied and announced, so whatever the node
/// acknowledged is on disk. Jobs are rebuilt on every head change (cleanJobs), when local proofs
/// arrive, and at least every `templateRefresh` on an unchanged head.
public actor DevnetNode: WorkProvider {
    public nonisolated let config: ChainConfig
    public nonisolated let metrics: NodeMetrics
    public nonisolated let options: NodeOptions
    nonisolated let store: BlockStore
    nonisolated let validator: BlockValidator
    nonisolated let clockMs: @Sendable () -> UInt64
    nonisolated let logger: Logger
    nonisolated let providers: [any ProofProvider]
    /// Distinguishes this run's template ids from an earlier run's.
    nonisolated let runTag: String
    /// Block records and nullifiers read from the store at start: the window, never the chain.
    nonisolated let loadedAtStart: (records: Int, nullifiers: Int)

    var index: ChainIndex
    /// Proofs for the current head, verified and priced.
    var pool: [(envelope: ProofEnvelope, credit: CreditedProof)] = []
    var pendingProviders = 0
    var job: MiningJob?
    var issued: [String: IssuedJob] = [:]
    var issuedOrder: [String] = []
    /// Share admission, judged on the transports' threads (see ``ShareAdmission``).
    nonisolated let admission: ShareAdmission
    var seq: UInt64 = 0
    /// Why the store cannot be written, while it cannot (see ``storageProblem``).
    var storageFailure: String?
    nonisolated let storageState = Mutex<String?>(nil)
    var nextSubscriber: UInt64 = 0
    var jobSubscribers: [UInt64: AsyncStream<MiningJob>.Continuation] = [:]
    var minerSubscribers: [UInt64: AsyncStream<MinerWork>.Continuation] = [:]
    var chainSubscribers: [UInt64: AsyncStream<ChainEvent>.Continuation] = [:]
    var tasks: [Task<Void, Never>] = []
    /// The proof and deadline tasks of the current head only: a finished task must not stay
    /// referenced (they once piled up, ~8 KB a block, the node's memory growing with the chain).
    var headTasks: [Task<Void, Never>] = []
    /// Every provider task not yet ended, of any head: ``stop()`` waits for them, so no proof
    /// computation (OpenSSL, OpenBLAS) outlives the node — at process exit one did, and crashed
    /// in OpenSSL's cleanup.
    var proofTasks: [UInt64: Task<Void, Never>] = [:]
    var nextProofTask: UInt64 = 0
    var stopped = false
    var started = false

    struct IssuedJob {
        var job: MiningJob
        var proofs: [ProofEnvelope]
    }

    /// Opens the store at `dataDir` and loads the chain (restart resumes from the stored blocks).
    public init(config: ChainConfig = .devnet, dataDir: String, options: NodeOptions = NodeOptions(),
                providers: [any ProofProvider] = [], metrics: NodeMetrics = NodeMetrics(),
                logger: Logger = Logger(label: "devnet.node"),
                clockMs: @escaping @Sendable () -> UInt64 = DevnetNode.wallClockMs) throws {
        self.config = config
        self.options = options
        self.providers = providers
        self.metrics = metrics
        self.logger = logger
        self.clockMs = clockMs
        self.validator = BlockValidator(config: config)
        self.store = try BlockStore(dataDir: dataDir, config: config)
        // Only the recent window: a restart costs the same on a 200,000-block store as on a new one.
        // Streamed, on the writer connection: what a load leaves behind is the restart's RSS
        // (see BlockStore.startupWindow(_:)).
        let (records, byBlock) = try store.startupWindow(ChainIndex.window(config))
        self.loadedAtStart = (records.count, byBlock.values.reduce(0) { $0 + $1.count })
        self.index = ChainIndex(config: config, records: records, nullifiers: byBlock)
        // 32 jobs cover the stale grace even while blocks come every few tens of ms (a fresh
        // chain's Θ climb); 2^16 nonces a job bound the duplicate sets to ~100 MB at worst.
        self.admission = ShareAdmission(
            validator: .init(jobTTL: options.jobTTL, maxJobs: 32, cleanGrace: options.staleGrace, maxSeenPerJob: 1 << 16),
            head: index.head.hash, staleGrace: options.staleGrace)
        self.runTag = Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255) }, prefix: false)
        metrics.chainHeight.set(Int(index.head.height))
        metrics.theta.set(Int(index.head.nextTheta))
    }

    /// Unix time in milliseconds.
    public static let wallClockMs: @Sendable () -> UInt64 = { UInt64(Date().timeIntervalSince1970 * 1000) }

    // MARK: - Lifecycle

    /// Issues the first job and starts the template refresh loop.
    public func start() {
        guard !started else { return }
        started = true
        headChanged()
        let refresh = options.templateRefresh
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: refresh)
                if Task.isCancelled { return }
                await self?.refreshTemplate()
            }
        })
    }

    /// Stops background work, finishes every subscriber stream and closes the store (the data
    /// directory is free for another node at once).
    public func stop() async {
        stopped = true
        for t in tasks + headTasks { t.cancel() }
        tasks = []
        headTasks = []
        for c in jobSubscribers.values { c.finish() }
        for c in minerSubscribers.values { c.finish() }
        for c in chainSubscribers.values { c.finish() }
        jobSubscribers = [:]
        minerSubscribers = [:]
        chainSubscribers = [:]
        // Providers cannot be interrupted mid-proof; cancelled ones that have not started skip it.
        let running = Array(proofTasks.values)
        for t in running { t.cancel() }
        for t in running { await t.value }
        store.close()
    }

    // MARK: - Chain queries

    public var head: BlockRecord { index.head }
    /// From the in-memory window, else from the store.
    public func record(hash: [UInt8]) -> BlockRecord? { index.record(hash) ?? (try? store.record(hash: hash)) ?? nil }
    /// The main chain's record at `h`: from the in-memory window, else from the store.
    public func record(atHeight h: UInt64) -> BlockRecord? {
        guard h <= index.head.height else { return nil }
        if h >= index.lowestHeight { return index.record(atHeight: h) }
        return (try? store.mainRecord(atHeight: h)) ?? nil
    }
    public nonisolated func block(hash: [UInt8]) throws -> Block? { try store.block(hash: hash) }
    /// Θ the next block must carry.
    public var expectedTheta: Int64 { index.head.nextTheta }

    // MARK: - Subscriptions

    /// Accepted blocks, as they are applied.
    public func chainEvents() -> AsyncStream<ChainEvent> {
        let (stream, cont) = AsyncStream<ChainEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = nextSubscriber
        nextSubscriber += 1
        chainSubscribers[id] = cont
        cont.onTermination = { [weak self] _ in Task { await self?.dropChainSubscriber(id) } }
        return stream
    }

    /// Work for the built-in miner: every job, and `.idle` when the head moved.
    public func minerWork() -> AsyncStream<MinerWork> {
        let (stream, cont) = AsyncStream<MinerWork>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id = nextSubscriber
        nextSubscriber += 1
        minerSubscribers[id] = cont
        cont.yield(job.map(MinerWork.job) ?? .idle)
        cont.onTermination = { [weak self] _ in Task { await self?.dropMinerSubscriber(id) } }
        return stream
    }

    public func currentJob() -> MiningJob? { job }

    public func jobUpdates() -> AsyncStream<MiningJob> {
        let (stream, cont) = AsyncStream<MiningJob>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let id = nextSubscriber
        nextSubscriber += 1
        jobSubscribers[id] = cont
        if let job { cont.yield(job) }
        cont.onTermination = { [weak self] _ in Task { await self?.dropJobSubscriber(id) } }
        return stream
    }

    func dropChainSubscriber(_ id: UInt64) { chainSubscribers[id] = nil }
    func dropMinerSubscriber(_ id: UInt64) { minerSubscribers[id] = nil }
    func dropJobSubscriber(_ id: UInt64) { jobSubscribers[id] = nil }

    // MARK: - Shares and blocks

    /// The share threshold of the current Θ (`tShare(Θ, K)`), for sessions without vardiff.
    public func defaultShareTarget() -> Int64 {
        job?.defaultShareTarget(sharesPerBlock: config.sharesPerBlock)
            ?? ShareTarget.tShare(thetaMicro: index.head.nextTheta, k: config.sharesPerBlock)
    }

    /// Full share check on the caller's thread (no actor hop): admission, then the u-draw.
    /// A share for a head replaced less than ``NodeOptions/staleGrace`` ago counts as a share only.
    public nonisolated func judgeShare(_ share: ShareSubmission) -> ShareJudgement {
        let start = ContinuousClock.now
        defer { metrics.submitLatency.recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1))) }
        let result = admission.admit(share, now: start).flatMap { a in
            ShareValidator.check(a.share).map { (accepted: $0, job: a.share.job, graceOnly: a.graceOnly) }
        }
        switch result {
        case .failure(let r):
            metrics.shareRejected(r)
            return .decided(.failure(r))
        case .success(let (accepted, job, graceOnly)):
            metrics.shareAccepted(share.source)
            if graceOnly {
                metrics.sharesStaleGrace.increment()
                return .decided(.success(AcceptedShare(h: accepted.h, isBlock: false, blockHash: nil)))
            }
            guard accepted.isBlock else { return .decided(.success(accepted)) }
            return .block(PendingBlock(job: job, share: share, accepted: accepted))
        }
    }

    /// Seals the block of a share that met its job's block target; if that block fails
    /// validation the share still counts, as not a block.
    public func sealBlock(_ block: PendingBlock) -> AcceptedShare {
        let a = block.accepted
        switch seal(jobId: block.share.jobId, nonce: block.share.nonce, source: block.share.source) {
        case .success(let r): return AcceptedShare(h: a.h, isBlock: true, blockHash: r.hash)
        case .failure: return AcceptedShare(h: a.h, isBlock: false, blockHash: nil)
        }
    }

    /// Builds the block of a job and a nonce and accepts it.
    func seal(jobId: String, nonce: Nonce, source: WorkSource) -> Result<BlockRecord, BlockRejection> {
        guard let j = issued[jobId] else { return .failure(.unknownParent(parentHash: "(job \(jobId) expired)")) }
        let block = Block(header: j.job.template, nonce: nonce, proofs: j.proofs)
        return accept(block, sealedHere: true, source: source)
    }

    /// Validates, stores and applies a block (from a share or `miner_submitBlock`).
    public func submitBlock(_ block: Block) -> Result<BlockRecord, BlockRejection> {
        accept(block, sealedHere: false, source: .rpc)
    }

    func accept(_ block: Block, sealedHere: Bool, source: WorkSource) -> Result<BlockRecord, BlockRejection> {
        let hash = block.hash
        guard index.record(hash) == nil else { return .failure(.duplicate) }
        guard let ctx = index.parentContext(block.header.parentHash) else {
            return .failure(.unknownParent(parentHash: Hex.encode(block.header.parentHash)))
        }
        let validated: ValidatedBlock
        switch validator.validate(block, ctx, nowMs: clockMs()) {
        case .failure(let r):
            metrics.blocksRejected.increment()
            logger.warning("block rejected", metadata: ["height": "\(block.height)", "reason": "\(r)"])
            return .failure(r)
        case .success(let v): validated = v
        }
        let becomesHead = index.wouldBecomeHead(validated.record)
        do {
            try store.append(validated, makeHead: becomesHead)
        } catch {
            storageFailed("\(error)")
            return .failure(.badField(field: "(store)", expected: "a writable data-dir: \(error)"))
        }
        let oldHead = index.head.hash
        index.add(validated.record, nullifiers: validated.proofs.map(\.nullifier))
        if becomesHead { admission.headMoved(from: oldHead, to: validated.record.hash, now: .now) }
        if sealedHere { metrics.blocksSealed.increment() }
        metrics.blockAccepted(source)
        for p in validated.proofs { metrics.proofSelected(p.type) }
        let event = ChainEvent(record: validated.record, proofs: validated.proofs, isHead: becomesHead,
                               intervalMs: Int64(bitPattern: validated.record.time &- ctx.parent.time), sealedHere: sealedHere,
                               source: source)
        for c in chainSubscribers.values { c.yield(event) }
        if becomesHead { headChanged() }
        return .success(validated.record)
    }

    // MARK: - Storage failures

    /// Why the block store cannot be written now (`nil`: it can). While it cannot, the node
    /// issues no work — miners must not hash on blocks it could not store — and `/healthz` is 503.
    public nonisolated var storageProblem: String? { storageState.withLock { $0 } }

    /// A write failed: count it; on the first failure stop issuing work, say so once, and probe
    /// the store every second until it takes writes again.
    func storageFailed(_ reason: String) {
        metrics.storageErrors.increment()
        guard storageFailure == nil else { return }
        storageFailure = reason
        storageState.withLock { $0 = reason }
        metrics.storageWritable.set(0)
        logger.error("block store cannot be written; no work is issued until it can", metadata: ["error": "\(reason)"])
        job = nil
        for c in minerSubscribers.values { c.yield(.idle) }
        let store = self.store
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    try store.probeWrite()
                    await self?.storageRecovered()
                    return
                } catch {
                    self?.metrics.storageErrors.increment()
                }
            }
        })
    }

    func storageRecovered() {
        guard storageFailure != nil else { return }
        storageFailure = nil
        storageState.withLock { $0 = nil }
        metrics.storageWritable.set(1)
        logger.notice("block store writable again; issuing work")
        headChanged()
    }

    /// Local proofs for the current head arrived.
    public func addProofs(_ envelopes: [ProofEnvelope], parentHash: [UInt8]) {
        if poolProofs(envelopes, parentHash: parentHash) > 0, job != nil { issueJob(clean: false) }
    }

    /// Verifies and prices proofs into the pool; returns how many were added.
    func poolProofs(_ envelopes: [ProofEnvelope], parentHash: [UInt8]) -> Int {
        guard parentHash == index.head.hash, let ctx = index.parentContext(parentHash) else { return 0 }
        var added = 0
        for e in envelopes where !pool.contains(where: { $0.envelope.nullifier == e.nullifier }) {
            switch validator.credit([e], ctx) {
            case .success(let c):
                pool.append((e, c[0]))
                added += 1
            case .failure(let r):
                logger.warning("local proof refused", metadata: ["type": "\(e.type.wireId)", "reason": "\(r)"])
            }
        }
        return added
    }

    // MARK: - Jobs

    func headChanged() {
        let head = index.head
        metrics.chainHeight.set(Int(head.height))
        metrics.theta.set(Int(head.nextTheta))
        pool = []
        job = nil
        for c in minerSubscribers.values { c.yield(.idle) }
        let wait = options.proofWait
        if providers.isEmpty || wait == .zero { issueJob(clean: true) }
        guard !providers.isEmpty else { return }
        pendingProviders = providers.count
        let config = self.config
        // The previous head's work is stale: cancelled, so a provider that has not started skips
        // it (a running proof finishes and its result is ignored).
        for t in headTasks { t.cancel() }
        headTasks = []
        for p in providers {
            let id = nextProofTask
            nextProofTask += 1
            let task = Task.detached { [weak self] in
                if !Task.isCancelled {
                    let envelopes: [ProofEnvelope]
                    do { envelopes = try await p.proofs(parent: head, config: config) } catch {
                        self?.logger.warning("proof provider failed", metadata: ["type": "\(p.type.wireId)", "error": "\(error)"])
                        envelopes = []
                    }
                    await self?.providerFinished(envelopes, parentHash: head.hash)
                }
                await self?.proofTaskEnded(id)
            }
            proofTasks[id] = task
            headTasks.append(task)
        }
        if wait > .zero {
            headTasks.append(Task { [weak self] in
                try? await Task.sleep(for: wait)
                await self?.proofDeadlinePassed(parentHash: head.hash)
            })
        }
    }

    func proofTaskEnded(_ id: UInt64) { proofTasks[id] = nil }

    func providerFinished(_ envelopes: [ProofEnvelope], parentHash: [UInt8]) {
        guard !stopped, parentHash == index.head.hash else { return }
        pendingProviders -= 1
        let added = poolProofs(envelopes, parentHash: parentHash)
        if job == nil {
            if pendingProviders <= 0 { issueJob(clean: true) }
        } else if added > 0 {
            issueJob(clean: false)
        }
    }

    func proofDeadlinePassed(parentHash: [UInt8]) {
        guard parentHash == index.head.hash, job == nil else { return }
        logger.info("issuing work without the slow proofs", metadata: ["pending": "\(pendingProviders)"])
        issueJob(clean: true)
    }

    func refreshTemplate() {
        guard job != nil else { return }
        issueJob(clean: false)
    }

    /// Builds a job for the current head from the proof pool.
    func issueJob(clean: Bool) {
        guard storageFailure == nil else { return }
        let parent = index.head
        guard let ctx = index.parentContext(parent.hash) else { return }
        let theta = parent.nextTheta
        let candidates = pool.map {
            SelectionCandidate(type: $0.envelope.type, psiAdjMicro: $0.credit.psiAdjMicro, nullifier: $0.envelope.nullifier,
                               sizeBytes: Int64($0.envelope.canonicalBody.count))
        }
        let selection = ProofSelector(policy: config.policy).select(candidates, thetaMicro: theta) {
            (try? Nullifier(bytes: $0)).map(ctx.isNullifierSeen) ?? true
        }
        var chosen = selection.chosen.map { pool[$0].envelope }
        var psi: Int64 = 0
        switch validator.credit(chosen, ctx) {
        case .success(let c): psi = c.reduce(0) { $0 + $1.creditedMicro }
        case .failure(let r):
            logger.warning("selected proofs do not validate together; mining without them", metadata: ["reason": "\(r)"])
            chosen = []
        }
        seq += 1
        let header = TemplateBuilder.header(config: config, ctx: ctx, proofs: chosen, time: clockMs(),
                                            coinbase: options.coinbase, templateId: "\(runTag)-\(seq)")
        let newJob = MiningJob(template: header, blockTarget: max(0, theta - psi), cleanJobs: clean,
                               proofHints: chosen.map(\.type.nullifierName))
        job = newJob
        issued[newJob.jobId] = IssuedJob(job: newJob, proofs: chosen)
        issuedOrder.append(newJob.jobId)
        if issuedOrder.count > 32 { issued[issuedOrder.removeFirst()] = nil }
        admission.add(newJob, now: .now)
        for c in jobSubscribers.values { c.yield(newJob) }
        for c in minerSubscribers.values { c.yield(.job(newJob)) }
    }

    /// The template JSON of a job the node issued (HashShare verification), if still known.
    public func template(jobId: String) -> HeaderTemplate? { issued[jobId]?.job.template }

    /// A job the node issued, while it is still known.
    public func job(id: String) -> MiningJob? { issued[id]?.job }
}
