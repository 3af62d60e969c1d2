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
    var pool: [SessionProofBook.Held] = []
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

    /// Miners' own proofs, per session (spec v1.1 §9).
    var book = SessionProofBook()
    /// Each proof-holding session's latest own job at the current head.
    var sessionJobs: [UInt32: MiningJob] = [:]
    /// When a job for accumulated shares last went out, per session (`UInt64.max`: the node's),
    /// and whose is waiting (see ``coalesce(session:)``).
    var lastShareJob: [UInt64: ContinuousClock.Instant] = [:]
    var shareJobPending: Set<UInt64> = []

    struct IssuedJob {
        var job: MiningJob
        var proofs: [ProofEnvelope]
        /// Nullifiers of the proofs that came from the job's session (the rest are the node's).
        var sessionNullifiers: Set<[UInt8]>
        /// The templates of the job's hash shares, which its block carries.
        var shareTemplates: [HeaderTemplate] = []
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
            validator: .init(jobTTL: options.jobTTL, maxJobs: 32, cleanGrace: options.staleGrace, maxSeenPerJob: 1 << 16,
                             sharesPerBlock: config.sharesPerBlock),
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

    /// Every job, sessions' own ones included (each transport session keeps those that are for
    /// it: ``MiningJob/isFor(session:ownRound:)``). The buffer holds a few rounds of them.
    public func jobUpdates() -> AsyncStream<MiningJob> {
        let (stream, cont) = AsyncStream<MiningJob>.makeStream(bufferingPolicy: .bufferingNewest(64))
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
                return .decided(.success(AcceptedShare(isDeep: accepted.isDeep, isBlock: false, blockHash: nil)))
            }
            guard accepted.isBlock else {
                if accepted.isDeep {
                    let session: UInt32? = share.source == .local ? nil : share.nonce.extranonce1
                    Task { await self.accumulate(share: share.nonce, on: job, session: session) }
                }
                return .decided(.success(accepted))
            }
            return .block(PendingBlock(job: job, share: share, accepted: accepted))
        }
    }

    // MARK: - Shares accumulate

    /// A share at least `tShare(Θ, K)` deep, mined on a job of the current head, becomes a
    /// `hashshare:v1` proof (spec seed flow 3.1, step 6): in its session's holdings, or the node's
    /// pool for the built-in miner (`session` nil). The session's next job carries it and needs
    /// that much less `H`; a new head drops it (a share is work on one parent).
    func accumulate(share nonce: Nonce, on job: MiningJob, session e1: UInt32?) {
        guard !stopped, storageFailure == nil, job.template.parentHash == index.head.hash,
              let ctx = index.parentContext(index.head.hash) else { return }
        let envelope = HashShareProof.envelope(template: job.template, nonce: nonce, chainId: config.chainId)
        let n = envelope.nullifier
        guard book.holder(of: n) == nil, !pool.contains(where: { $0.envelope.nullifier == n }) else { return }
        // The node's own job and a share it has just judged: verification cannot fail, but the
        // credit comes from the one code path blocks are validated with.
        guard case .success(let c) = validator.credit([envelope], ctx, shareTemplates: [job.template]) else { return }
        let held = SessionProofBook.Held(envelope: envelope, credit: c[0], template: job.template)
        let max = config.policy[.hashShare].maxProofs
        if let e1 {
            guard book.holdShare(held, session: e1, max: max) else { return }
            metrics.sharesAccumulated.increment()
            updateHeldMetrics()
            coalesce(session: e1)
        } else {
            guard SessionProofBook.keepDeepest(held, in: &pool, max: max) != nil else { return }
            metrics.sharesAccumulated.increment()
            coalesce(session: nil)
        }
    }

    /// Jobs for accumulated shares go out at most every ``shareJobSpacing`` per session (the
    /// common job for the built-in miner's shares): while blocks come every few milliseconds
    /// (a fresh chain's Θ climb) a share per job would otherwise churn jobs as fast as shares.
    static let shareJobSpacing: Duration = .milliseconds(100)

    func coalesce(session e1: UInt32?) {
        let key = e1.map(UInt64.init) ?? UInt64.max
        guard !shareJobPending.contains(key) else { return }
        let head = index.head.hash
        let now = ContinuousClock.now
        if let last = lastShareJob[key], now - last < Self.shareJobSpacing {
            shareJobPending.insert(key)
            headTasks.append(Task { [weak self] in
                try? await Task.sleep(until: last + Self.shareJobSpacing)
                await self?.issueShareJob(session: e1, key: key, head: head)
            })
            return
        }
        issueShareJob(session: e1, key: key, head: head)
    }

    func issueShareJob(session e1: UInt32?, key: UInt64, head: [UInt8]) {
        shareJobPending.remove(key)
        guard !stopped, head == index.head.hash, job != nil else { return }
        lastShareJob[key] = .now
        if let e1 { issueSessionJob(e1) } else { issueJob(clean: false) }
    }

    /// Seals the block of a share that met its job's block target; if that block fails
    /// validation the share still counts, as not a block.
    public func sealBlock(_ block: PendingBlock) -> AcceptedShare {
        let a = block.accepted
        switch seal(jobId: block.share.jobId, nonce: block.share.nonce, source: block.share.source) {
        case .success(let r): return AcceptedShare(isDeep: a.isDeep, isBlock: true, blockHash: r.hash)
        case .failure: return AcceptedShare(isDeep: a.isDeep, isBlock: false, blockHash: nil)
        }
    }

    /// Builds the block of a job and a nonce and accepts it.
    func seal(jobId: String, nonce: Nonce, source: WorkSource) -> Result<BlockRecord, BlockRejection> {
        guard let j = issued[jobId] else { return .failure(.unknownParent(parentHash: "(job \(jobId) expired)")) }
        let block = Block(header: j.job.template, nonce: nonce, proofs: j.proofs, shareTemplates: j.shareTemplates)
        let result = accept(block, sealedHere: true, source: source)
        if case .success = result {
            for p in j.proofs { metrics.proofAttached(p.type, fromSession: j.sessionNullifiers.contains(p.nullifier)) }
        }
        return result
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
                               source: source, extranonce1: block.nonce.extranonce1)
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
        // First come, first held: a nullifier a miner's session already holds is theirs.
        for e in envelopes where !pool.contains(where: { $0.envelope.nullifier == e.nullifier }) && book.holder(of: e.nullifier) == nil {
            switch validator.credit([e], ctx) {
            case .success(let c):
                pool.append(.init(envelope: e, credit: c[0]))
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
        sessionJobs = [:]
        lastShareJob = [:]
        shareJobPending = []
        if let ctx = index.parentContext(head.hash) {
            book.headMoved(isSeen: ctx.isNullifierSeen)
            updateHeldMetrics()
        }
        for c in minerSubscribers.values { c.yield(.idle) }
        // The previous head's work is stale: cancelled, so a provider that has not started skips
        // it (a running proof finishes and its result is ignored).
        for t in headTasks { t.cancel() }
        headTasks = []
        let wait = options.proofWait
        if providers.isEmpty || wait == .zero { issueJob(clean: true) }
        guard !providers.isEmpty else { return }
        pendingProviders = providers.count
        let config = self.config
        for p in providers {
            let id = nextProofTask
            nextProofTask += 1
            let task = Task.detached { [weak self] in
                if !Task.isCancelled {
                    let envelopes: [ProofEnvelope]
                    do { envelopes = try await p.proofs(for: ProofParent(head, chainId: config.chainId)) } catch {
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

    /// Builds the jobs of a new round for the current head: one per session that holds proofs
    /// (sent first), then the common job from the node's pool alone.
    func issueJob(clean: Bool) {
        guard storageFailure == nil, let ctx = index.parentContext(index.head.hash) else { return }
        seq += 1
        let round = seq
        for e1 in book.sessions.keys.sorted() { deliver(buildJob(ctx, session: e1, clean: clean, round: round)) }
        let common = buildJob(ctx, session: nil, clean: clean, round: round)
        job = common.job
        deliver(common)
        for c in minerSubscribers.values { c.yield(.job(common.job)) }
    }

    /// A round with only session `e1`'s own job (its holdings changed), not clean.
    func issueSessionJob(_ e1: UInt32) {
        guard storageFailure == nil, job != nil, let ctx = index.parentContext(index.head.hash) else { return }
        seq += 1
        deliver(buildJob(ctx, session: e1, clean: false, round: seq))
    }

    /// The best credited selection (§5) over the node's pool plus, for a session's job, that
    /// session's held proofs. Every candidate was verified for this head when it was pooled or
    /// held, so its ψ is reused here; the block validator checks the result in full at sealing.
    func buildJob(_ ctx: ParentContext, session e1: UInt32?, clean: Bool, round: UInt64) -> IssuedJob {
        let parent = ctx.parent
        let theta = parent.nextTheta
        let own = e1.map { book.held($0) } ?? []
        let items = pool + own
        let candidates = items.map {
            SelectionCandidate(type: $0.envelope.type, psiAdjMicro: $0.credit.psiAdjMicro, nullifier: $0.envelope.nullifier,
                               sizeBytes: Int64($0.envelope.canonicalBody.count))
        }
        let selection = ProofSelector(caps: options.selectionCaps ?? config.policy.caps).select(candidates, thetaMicro: theta) {
            (try? Nullifier(bytes: $0)).map(ctx.isNullifierSeen) ?? true
        }
        let chosen = selection.chosen.map { items[$0] }
        let credited = Credit.compute(chosen.map {
            CreditProof(type: $0.envelope.type, psiAdjMicro: $0.credit.psiAdjMicro, nullifier: $0.envelope.nullifier)
        }, caps: config.policy.caps)
        let psi = credited.credited.reduce(0, +)
        let ownNullifiers = Set(own.map(\.envelope.nullifier))
        let envelopes = chosen.map(\.envelope)
        var id = "\(runTag)-\(seq)"
        var hints = envelopes.map(\.type.nullifierName)
        if let e1 {
            id += "-" + StratumInbound.hex(UInt64(e1), digits: 8)
            hints = envelopes.filter { ownNullifiers.contains($0.nullifier) }.map { Hex.encode($0.nullifier) }
        }
        let header = TemplateBuilder.header(config: config, ctx: ctx, proofs: envelopes, time: clockMs(),
                                            coinbase: options.coinbase, templateId: id)
        let newJob = MiningJob(template: header, blockTarget: max(0, theta - psi), cleanJobs: clean, proofHints: hints,
                               owner: e1, round: round)
        var templates: [HeaderTemplate] = []
        for t in chosen.compactMap(\.template) where !templates.contains(where: { $0.extra.templateId == t.extra.templateId }) {
            templates.append(t)
        }
        return IssuedJob(job: newJob, proofs: envelopes, sessionNullifiers: ownNullifiers.intersection(envelopes.map(\.nullifier)),
                         shareTemplates: templates)
    }

    /// Registers an issued job for shares and sealing and sends it to the transports.
    func deliver(_ issuedJob: IssuedJob) {
        let newJob = issuedJob.job
        if let e1 = newJob.owner { sessionJobs[e1] = newJob }
        issued[newJob.jobId] = issuedJob
        issuedOrder.append(newJob.jobId)
        // 32 rounds of every proof-holding session's jobs, within a fixed bound.
        let keep = min(1024, 32 * (1 + book.sessions.count))
        if issuedOrder.count > keep { for id in issuedOrder.prefix(issuedOrder.count - keep) { issued[id] = nil }; issuedOrder.removeFirst(issuedOrder.count - keep) }
        admission.add(newJob, now: .now)
        for c in jobSubscribers.values { c.yield(newJob) }
    }

    /// The job session `e1` should mine now: its own job when it is at least as new as the
    /// common one, else the common one.
    public func currentJob(session e1: UInt32) -> MiningJob? {
        if let own = sessionJobs[e1], own.round >= (job?.round ?? 0) { return own }
        return job
    }

    // MARK: - Miners' own proofs

    /// Cheap checks, full verification off the actor, then holding (spec v1.1 §9). Counted in
    /// `animica_node_proofs_{accepted,rejected}_total`.
    public nonisolated func submitProof(_ json: JSONValue, session e1: UInt32) async -> Result<HeldProof, ProofRefusal> {
        let envelope: ProofEnvelope
        do { envelope = try ProofEnvelope(json: json) } catch {
            // Not even an envelope: the verifier's schema reason, as 27.
            metrics.proofRejected(nil, reason: error.code.rawValue)
            return .failure(.rejected(reason: error.code.rawValue, field: error.field, detail: error.detail))
        }
        let result = await verifyAndHold(envelope, session: e1)
        switch result {
        case .success: metrics.proofAccepted(envelope.type)
        case .failure(let r): metrics.proofRejected(envelope.type, reason: r.reason)
        }
        return result
    }

    nonisolated func verifyAndHold(_ envelope: ProofEnvelope, session e1: UInt32) async -> Result<HeldProof, ProofRefusal> {
        let t = envelope.type
        guard t != .hashShare else {
            return .failure(.rejected(reason: "type_not_allowed", field: "type_id", detail: "hash shares are submitted as shares (mining.submit / miner_submitShare)"))
        }
        guard config.policy[t].maxProofs > 0 else {
            return .failure(.rejected(reason: "type_not_allowed", field: "type_id", detail: "the policy allows no \(t.wireId) proofs (maxProofs 0)"))
        }
        let ctx: ParentContext
        switch await admitProof(envelope, session: e1, now: .now) {
        case .failure(let r): return .failure(r)
        case .success(let c): ctx = c
        }
        let start = ContinuousClock.now
        let verdict = validator.credit([envelope], ctx)
        let spent = ContinuousClock.now - start
        switch verdict {
        case .failure(let r):
            await chargeVerification(e1, spent)
            if case .badProof(_, let rej) = r {
                return .failure(.rejected(reason: rej.code.rawValue, field: rej.field, detail: rej.detail))
            }
            if case .replayedNullifier = r { return .failure(.duplicate) }
            return .failure(.rejected(reason: r.label, field: nil, detail: "\(r)"))
        case .success(let c):
            return await holdProof(envelope, credit: c[0], session: e1, verifiedFor: ctx.parent.hash, spent: spent)
        }
    }

    /// The checks that cost nothing: the node is working, the nullifier is free (sessions, the
    /// node's pool, the chain's TTL window), the session is under `maxProofs` for the type and has
    /// verification time left. Returns the context to verify against.
    func admitProof(_ envelope: ProofEnvelope, session e1: UInt32, now: ContinuousClock.Instant) -> Result<ParentContext, ProofRefusal> {
        guard !stopped, storageFailure == nil, let ctx = index.parentContext(index.head.hash) else {
            return .failure(.rejected(reason: "unavailable", field: nil, detail: "the node issues no work now"))
        }
        let n = envelope.nullifier
        if book.holder(of: n) != nil || pool.contains(where: { $0.envelope.nullifier == n }) { return .failure(.duplicate) }
        if let v = try? Nullifier(bytes: n), ctx.isNullifierSeen(v) { return .failure(.duplicate) }
        let max = config.policy[envelope.type].maxProofs
        guard Int64(book.count(e1, type: envelope.type)) < max else {
            return .failure(.rejected(reason: "max_proofs", field: nil,
                                      detail: "this session already holds \(max) \(envelope.type.wireId) proof(s), the policy's maxProofs"))
        }
        guard book.hasBudget(e1, now: now) else { return .failure(.rateLimited) }
        return .success(ctx)
    }

    func chargeVerification(_ e1: UInt32, _ spent: Duration) {
        let (s, atto) = spent.components
        book.charge(e1, seconds: Double(s) + Double(atto) * 1e-18, now: .now)
    }

    /// Holds a verified proof for `e1` and issues the session a job that can carry it.
    func holdProof(_ envelope: ProofEnvelope, credit: CreditedProof, session e1: UInt32, verifiedFor parent: [UInt8],
                   spent: Duration) -> Result<HeldProof, ProofRefusal> {
        chargeVerification(e1, spent)
        if parent != index.head.hash, SessionProofBook.isParentBound(envelope.type) {
            return .failure(.rejected(reason: "stale_parent", field: nil, detail: "the head moved while the proof was verified; make one for the new head"))
        }
        // Re-checked: another session (or the node) may have taken the nullifier meanwhile.
        if book.holder(of: envelope.nullifier) != nil || pool.contains(where: { $0.envelope.nullifier == envelope.nullifier }) {
            return .failure(.duplicate)
        }
        if let ctx = index.parentContext(index.head.hash), ctx.isNullifierSeen(credit.nullifier) { return .failure(.duplicate) }
        guard Int64(book.count(e1, type: envelope.type)) < config.policy[envelope.type].maxProofs else {
            return .failure(.rejected(reason: "max_proofs", field: nil, detail: "the session holds maxProofs \(envelope.type.wireId) proofs"))
        }
        book.hold(.init(envelope: envelope, credit: credit), session: e1)
        updateHeldMetrics()
        issueSessionJob(e1)
        return .success(HeldProof(type: envelope.type, nullifier: envelope.nullifier, psiRawMicro: credit.psiAdjMicro))
    }

    /// The session ended: its proofs are dropped, their nullifiers free again.
    public func endSession(_ e1: UInt32) {
        guard book.sessions[e1] != nil || sessionJobs[e1] != nil else { return }
        book.drop(session: e1)
        sessionJobs[e1] = nil
        updateHeldMetrics()
    }

    func updateHeldMetrics() {
        let counts = book.heldByType
        for t in ProofType.allCases { metrics.proofsHeld(t, counts[t]) }
        metrics.proofSessions.set(book.sessions.count)
    }

    /// The template JSON of a job the node issued (HashShare verification), if still known.
    public func template(jobId: String) -> HeaderTemplate? { issued[jobId]?.job.template }

    /// A job the node issued, while it is still known.
    public func job(id: String) -> MiningJob? { issued[id]?.job }
}
