import MiningCore

/// One replication of a scenario on a single shared chain tip (instant propagation).
///
/// Block discovery in rate mode: miner group g with credited Σψ `s_g` needs `H ≥ t_g = max(0,
/// Θ − s_g)`, so it finds blocks at `rate_g = effective hashrate_g · P(H ≥ t_g)`. Because
/// `P(t) = e^{−Θ/10^6} · e^{(s_g+½)/10^6}` whenever `t ≥ 1`, the sum tree holds
/// `w_g = hashrate_g · e^{(s_g+½)/10^6}` (or `hashrate_g · e^{Θ/10^6}` when `s_g ≥ Θ`, i.e. `P = 1`)
/// and the total rate is `e^{−Θ/10^6} · Σw`. A new Θ then changes one factor, not every leaf:
/// only groups holding proofs (`s_g > 0`) are revisited per block. The next block is an
/// exponential draw at the total rate and its finder a weighted choice in the tree — O(log n) —
/// and any change of a rate redraws the next block time from "now", which is exact for
/// superposed Poisson processes (they are memoryless).
struct Replication {
    let sc: Scenario
    let rep: Int
    let policy: PolicyBridge
    let target: Double
    let stopHeight: Int
    let stopTime: Double

    var rngTime: StreamRNG
    var rngWinner: StreamRNG
    var rngLuck: StreamRNG
    var providerRNG: [StreamRNG]

    var ctrl: ThetaController
    var theta: Int64
    var expNegTheta: Double
    /// `e^{Θ/10^6}` when `expThetaCurrent` (computed only while some holder's credit may reach Θ;
    /// `weight` computes the same expression itself otherwise).
    var expTheta: Double
    var expThetaCurrent = true

    var tree: SumTree
    var hashrate: [Double]
    var online: [Bool]
    var greedyOn: [Bool]
    var eff: [Double]
    var credited: [Int64]
    var selections: [Selection]
    /// The pool changed without changing the optimal credit: `selections[g]` must be redone
    /// (by the real selector) before it is used.
    var stale: [Bool]
    var isHolder: [Bool]
    var holders: [Int] = []
    /// At least every holder's credit (raised on each selection, tightened when `newTheta` scans
    /// the holders): when Θ moves and no holder can reach it, the scan is skipped.
    var holderCreditCeiling: Int64 = 0
    var greedy: [(group: Int, threshold: Double, alpha: Double)] = []
    var greedyMA: [Double] = []
    var lastAccrual: [Double]

    var pools: [ProofPool]
    var inFlight = ProofSlab()
    /// Pool index of each provider group's owner (a miner group, or `miners.count` for the market).
    let owners: [Int]
    /// Each provider group's metric distributions in `MetricSpec.keys` order.
    let metricDists: [[Distribution]]
    let plans: [ProviderPlan]
    /// By provider group: ψ_adj of its fixed metrics under the α it was last computed for.
    var psiMemo: [(alpha: Int64, psi: Int64)?]
    /// No provider draw can repeat another (`DistinctDraws`), so no nullifier was seen before.
    var distinctDraws: Bool
    var marketBuyers: [Int]
    var parking: ProviderParking
    var nullifiers: SpentNullifiers
    var alphaState: AlphaTuner.State?
    var alpha: [Int64]
    var serial: UInt64 = 0

    var events = EventQueue()
    var now = 0.0
    var tipTime = 0.0
    var height = 0
    var nextBlock = Double.infinity
    var stats: ReplicationStats
    var counting = false
    /// Per-group chain views (nil: one shared tip, instant propagation).
    var net: NetworkState?
    /// Exact (hash) mode state (nil in rate mode).
    var exact: ExactState?

    static let halfMicro = Foundation_exp(0.5e-6)

    init(scenario sc: Scenario, replication rep: Int, policy: PolicyBridge) {
        self.sc = sc
        self.rep = rep
        self.policy = policy
        target = sc.chain.targetBlockSeconds
        switch sc.stop {
        case .blocks(let n): stopHeight = sc.warmupBlocks + n; stopTime = .infinity
        case .duration(let d): stopHeight = .max; stopTime = d
        }
        rngTime = StreamRNG(seed: sc.seed, replication: rep, stream: .blockTime)
        rngWinner = StreamRNG(seed: sc.seed, replication: rep, stream: .winner)
        rngLuck = StreamRNG(seed: sc.seed, replication: rep, stream: .hashLuck)
        providerRNG = sc.providers.indices.map { StreamRNG(seed: sc.seed, replication: rep, stream: .providerBase, index: $0) }
        ctrl = ThetaController(rule: sc.chain.rule, theta0: sc.chain.thetaMicro0)
        theta = ctrl.theta
        expNegTheta = Foundation_exp(-Double(theta) / 1e6)
        expTheta = Foundation_exp(Double(theta) / 1e6)
        let n = sc.miners.count
        tree = SumTree(count: n)
        hashrate = sc.miners.map(\.hashrate)
        online = sc.miners.map { $0.join <= 0 && ($0.leave ?? .infinity) > 0 }
        greedyOn = Array(repeating: true, count: n)
        eff = Array(repeating: 0, count: n)
        credited = Array(repeating: 0, count: n)
        selections = Array(repeating: Selection(), count: n)
        stale = Array(repeating: false, count: n)
        isHolder = Array(repeating: false, count: n)
        lastAccrual = Array(repeating: 0, count: n)
        pools = Array(repeating: ProofPool(), count: n + 1)
        let groupIndex = Dictionary(uniqueKeysWithValues: sc.miners.enumerated().map { ($1.name, $0) })
        owners = sc.providers.map { $0.owner == "market" ? n : groupIndex[$0.owner]! }
        metricDists = sc.providers.map { pg in MetricSpec.keys(for: pg.type).map { pg.metrics[$0.0]! } }
        plans = zip(sc.providers, metricDists).map { ProviderPlan($0, metricDists: $1) }
        psiMemo = Array(repeating: nil, count: sc.providers.count)
        distinctDraws = DistinctDraws(providerRNG).keysApart
        parking = ProviderParking(providers: sc.providers.count, owners: n + 1)
        marketBuyers = sc.miners.indices.filter { sc.miners[$0].buysFromMarket }
        nullifiers = SpentNullifiers(ttl: policy.nullifierTTL, deferred: distinctDraws && sc.network.isInstant)
        alpha = policy.initialAlpha
        alphaState = policy.tuner.map { t in
            t.initialState(alpha: Dictionary(uniqueKeysWithValues: ProofType.allCases.map { ($0, policy.policy[$0].alpha) }))
        }
        stats = ReplicationStats(replication: rep, scenario: sc)
        counting = sc.warmupBlocks == 0
        for (g, m) in sc.miners.enumerated() {
            if case .greedy(let thr, let w) = m.strategy {
                greedy.append((g, thr, 2.0 / (Double(w) + 1)))
                greedyMA.append(Double(theta))
            }
            eff[g] = online[g] ? Double(m.count) * m.hashrate : 0
            tree.set(g, weight(g))
        }
        if !sc.network.isInstant {
            setUpNetwork()
            for g in sc.miners.indices { tree.set(g, weight(g)) }
        }
        if sc.mode == .hash { setUpExact() }
        scheduleMinerEvents()
        scheduleProviders()
    }

    // MARK: rates

    @inline(__always)
    func weight(_ g: Int) -> Double {
        if net != nil { return networkWeight(g) }
        let e = eff[g]
        if e == 0 { return 0 }
        let s = credited[g]
        if s == 0 && theta > 0 { return e * Self.halfMicro }
        if s >= theta { return e * (expThetaCurrent ? expTheta : Foundation_exp(Double(theta) / 1e6)) }
        return e * Foundation_exp((Double(s) + 0.5) / 1e6)
    }

    var totalRate: Double { expNegTheta * tree.total }

    @inline(__always)
    mutating func redraw() {
        let r = exact == nil ? totalRate : totalHashrate
        nextBlock = r > 0 ? now + rngTime.exponential(rate: r) : .infinity
    }

    mutating func accrue(_ g: Int) {
        if counting { stats.groups[g].work += eff[g] * (now - lastAccrual[g]) }
        lastAccrual[g] = now
    }

    mutating func refresh(_ g: Int) {
        accrue(g)
        eff[g] = online[g] && greedyOn[g] ? Double(sc.miners[g].count) * hashrate[g] : 0
        tree.set(g, weight(g))
    }

    // MARK: setup

    mutating func scheduleMinerEvents() {
        for (g, m) in sc.miners.enumerated() {
            if m.join > 0 { events.push(m.join, .setOnline(group: g, online: true)) }
            if let l = m.leave, l > 0 { events.push(l, .setOnline(group: g, online: false)) }
            var prev = m.hashrate
            for s in m.schedule {
                if s.over <= 0 {
                    events.push(s.at, .setHashrate(group: g, hashrate: s.hashrate))
                } else {
                    for k in 1...s.steps {
                        let f = Double(k) / Double(s.steps)
                        events.push(s.at + s.over * f, .setHashrate(group: g, hashrate: prev + (s.hashrate - prev) * f))
                    }
                }
                prev = s.hashrate
            }
        }
    }

    mutating func scheduleProviders() {
        for (p, pg) in sc.providers.enumerated() where pg.count > 0 {
            switch pg.production {
            case .rate(let r):
                events.push(providerRNG[p].exponential(rate: r * Double(pg.count)), .produce(provider: p))
            case .interval(let iv):
                for _ in 0..<pg.count { events.push(iv * providerRNG[p].uniformOpen(), .produce(provider: p)) }
            }
        }
    }

    // MARK: run

    mutating func run<S: BlockSink>(sink: inout S) -> ReplicationStats {
        redraw()
        let runHeight = net == nil ? stopHeight : (stopHeight == .max ? .max : stopHeight + sc.network.finalityDepth)
        while height < runHeight {
            let tEv = events.nextTime
            if tEv <= nextBlock {
                if tEv > stopTime || tEv == .infinity { break }
                now = tEv
                let ev = events.pop()!
                if handle(ev.kind) { redraw() }
            } else {
                if nextBlock > stopTime { break }
                now = nextBlock
                if exact != nil {
                    if let (g, h) = hashOnce() {
                        foundBlock(sink: &sink, forced: (g, h))
                        newTemplate()
                    }
                } else if net == nil {
                    foundBlock(sink: &sink)
                } else {
                    foundBlockNetworked(sink: &sink)
                }
                redraw()
            }
        }
        if net != nil { finalize(upTo: min(height - 1, stopHeight - 1), sink: &sink) }
        // Every event due by then was handled: the last block's time, or the stop time.
        advanceAllParked(through: stopTime.isFinite ? stopTime : now)
        if stopTime.isFinite { now = max(now, stopTime) }
        for g in sc.miners.indices { accrue(g) }
        stats.endTime = now
        return stats
    }

    /// Applies one event; returns whether any block-finding rate changed.
    mutating func handle(_ kind: Event.Kind) -> Bool {
        switch kind {
        case .setHashrate(let g, let h):
            hashrate[g] = h
            refresh(g)
            return true
        case .setOnline(let g, let on):
            online[g] = on
            if on, let best = net?.best { adopt(g, best) }
            refresh(g)
            return true
        case .produce(let p):
            return produce(p)
        case .arrive(let slot):
            return arrive(inFlight.take(slot))
        case .expire(let p, let serial):
            let owner = ownerIndex(p)
            guard pools[owner].remove(provider: p, serial: serial) else { return false }
            unpark(owner: owner)
            return reselect(afterChangeOf: owner)
        case .deliver(let g, let id):
            return deliver(g, id)
        case .wake(let p):
            wake(p)
            return false
        }
    }

    // MARK: blocks

    mutating func foundBlock<S: BlockSink>(sink: inout S, forced: (Int, Int64)? = nil) {
        let g = forced?.0 ?? tree.find(rngWinner.uniformOpen() * tree.total)
        let s = credited[g]
        let t = max(0, theta - s)
        let dt = now - tipTime
        if stale[g] { _ = reselect(group: g, lazy: false) }
        let counted = counting
        if counted {
            stats.blocks += 1
            stats.addInterval(dt, target: target)
            stats.addTheta(theta)
            stats.groups[g].blocks += 1
            stats.groups[g].reward += sc.chain.blockReward
            if s > 0 {
                stats.groups[g].psiCreditedMicro += Double(s)
                for ty in 1...5 { stats.psiCreditedByType[ty] += Double(selections[g].creditedByType[ty]) }
                stats.proofsAttached += selections[g].chosen.count
                if s > stats.maxCreditedMicro { stats.maxCreditedMicro = s }
            }
        }
        if S.wantsRecords {
            // H conditioned on H ≥ t: −ln u is exponential, so H − (t − ½) is Exp(1) in nats.
            let h = forced?.1 ?? min(177_445_678, Int64((Double(t) - (t > 0 ? 0.5 : 0) - Foundation_log(rngLuck.uniformOpen()) * 1e6).rounded(.toNearestOrEven)))
            let by = selections[g].creditedByType
            sink.block(BlockRecord(
                replication: rep, height: height, time: now, minerGroup: g, thetaMicro: theta, hMicro: h,
                psiCreditedMicro: s, psiByType: (by[1], by[2], by[3], by[4], by[5]),
                interval: dt, orphaned: false))
        }
        let attached = s > 0 ? consume(group: g) : [:]
        if let tuner = policy.tuner, var st = alphaState { tuneAlpha(tuner, &st, attached) }
        height += 1
        tipTime = now
        if !counting && height >= sc.warmupBlocks { startCounting() }
        newTheta(ctrl.onBlock(dt: dt))
    }

    mutating func startCounting() {
        advanceAllParked(through: now)
        counting = true
        for g in sc.miners.indices { lastAccrual[g] = now; stats.groups[g].work = 0 }
    }

    mutating func newTheta(_ th: Int64) {
        let crossedZero = (th == 0) != (theta == 0)
        if th != theta {
            // A holder's weight depends on Θ only while its credit reaches Θ (then P = 1).
            let lowest = min(th, theta)
            theta = th
            expNegTheta = Foundation_exp(-Double(th) / 1e6)
            expThetaCurrent = holderCreditCeiling >= th || crossedZero
            if expThetaCurrent { expTheta = Foundation_exp(Double(th) / 1e6) }
            if crossedZero {
                for g in sc.miners.indices { tree.set(g, weight(g)) }
            } else if holderCreditCeiling >= lowest {
                var top: Int64 = 0
                for g in holders {
                    let s = credited[g]
                    if s > top { top = s }
                    if s >= lowest { tree.set(g, weight(g)) }
                }
                holderCreditCeiling = top
            }
        }
        if !greedy.isEmpty {
            let th = Double(theta)
            for i in greedy.indices {
                let (g, thr, a) = greedy[i]
                let on = th < thr * greedyMA[i]
                if on != greedyOn[g] { greedyOn[g] = on; refresh(g) }
                greedyMA[i] += a * (th - greedyMA[i])
            }
        }
    }

    // MARK: proofs

    /// Feeds the α tuner (units = proofs attached per type) and, when α moves, re-prices every
    /// pooled proof and redoes the selections (every `cooldown` blocks at most).
    mutating func tuneAlpha(_ tuner: AlphaTuner, _ st: inout AlphaTuner.State, _ units: [ProofType: Int64]) {
        st = tuner.next(st, units: units)
        alphaState = st
        guard st.alpha != alpha else { return }
        alpha = st.alpha
        unparkAll()
        for o in pools.indices {
            pools[o].reprice { p in
                let psi = policy.psiAdjMicro(p.metrics, alpha: alpha[Int(p.type.rawValue) - 1])
                return (psi, policy.cappedMicro(psi, p.type))
            }
        }
        for g in sc.miners.indices where !pools[g].proofs.isEmpty || (sc.miners[g].buysFromMarket && !pools[sc.miners.count].proofs.isEmpty) {
            _ = reselect(group: g)
        }
    }

    @inline(__always) func ownerIndex(_ p: Int) -> Int { owners[p] }

    /// Produces one proof of provider group `p` and schedules the next (or parks `p`, see
    /// `ProviderParking`); returns whether a block-finding rate changed (only when the proof
    /// arrives at once, see below).
    mutating func produce(_ p: Int) -> Bool {
        let plan = plans[p]
        var rng = providerRNG[p]
        if case .rate(let r) = plan.production {
            events.push(now + rng.exponential(rate: r * Double(plan.count)), .produce(provider: p))
        }
        let metrics = plan.fixedMetrics ?? MetricSpec.draw(plan.type, metricDists[p], &rng)
        let honest = plan.honest >= 1 || rng.uniformOpen() < plan.honest
        let nullifier = Nullifier(&rng)
        let latency = plan.fixedLatency ?? max(0, sc.providers[p].latency.sample(&rng))
        providerRNG[p] = rng
        if rng.counter >= DistinctDraws.counterBound && distinctDraws {
            distinctDraws = false
            unparkAll()
        }
        if counting {
            stats.proofsProduced += 1
            let owner = owners[p]
            if owner < sc.miners.count && plan.price > 0 { stats.groups[owner].proofSpend += plan.price }
        }
        let a = alpha[Int(plan.type.rawValue) - 1]
        let psi: Int64
        if plan.fixedMetrics != nil, let memo = psiMemo[p], memo.alpha == a {
            psi = memo.psi
        } else {
            psi = policy.psiAdjMicro(metrics, alpha: a)
            if plan.fixedMetrics != nil { psiMemo[p] = (a, psi) }
        }
        if canPark(p, psi: psi) {
            park(p)
            return false
        }
        if case .interval(let iv) = plan.production { events.push(now + iv, .produce(provider: p)) }
        serial &+= 1
        let proof = SimProof(type: plan.type, metrics: metrics, psiAdjMicro: psi, cappedMicro: policy.cappedMicro(psi, plan.type),
                             nullifier: nullifier, provider: p, serial: serial, honest: honest)
        // With no latency and nothing else due now, its `.arrive` would be the very next event
        // handled (events run before a block at the same instant), so it is handled here.
        if latency == 0 && events.nextTime > now { return arrive(proof) }
        events.push(now + latency, .arrive(slot: inFlight.put(proof)))
        return false
    }

    /// A proof reaches its owner: a dishonest one fails verification, a seen nullifier is a
    /// replay; otherwise it joins the owner's pool and the owner's selection is redone (unless the
    /// pool, already full of better proofs of its type, dropped it at once).
    mutating func arrive(_ proof: SimProof) -> Bool {
        guard proof.honest, distinctDraws || !nullifiers.isSeen(proof.nullifier, atHeight: Int64(height)), proof.psiAdjMicro > 0 else {
            if counting { stats.proofsRejected += 1 }
            return false
        }
        let owner = ownerIndex(proof.provider)
        guard pools[owner].add(proof, maxOfType: policy.maxProofs(proof.type)) else { return false }
        unpark(owner: owner)
        if let v = plans[proof.provider].validity {
            events.push(now + v, .expire(provider: proof.provider, serial: proof.serial))
        }
        return reselect(afterChangeOf: owner)
    }

    /// Redoes the selection of the groups that can use `owner`'s pool; returns whether a rate changed.
    mutating func reselect(afterChangeOf owner: Int) -> Bool {
        if owner < sc.miners.count { return reselect(group: owner) }
        var changed = false
        for g in marketBuyers { changed = reselect(group: g) || changed }
        return changed
    }

    func candidates(_ g: Int) -> [SimProof] {
        if ownPoolOnly(g) { return pools[g].proofs }
        let market = pools[sc.miners.count].proofs
        guard let cap = sc.miners[g].maxPrice else { return pools[g].proofs + market }
        return pools[g].proofs + market.filter { sc.providers[$0.provider].price <= cap }
    }

    /// Whether group g selects from its own pool only (it does not buy, or the market is empty).
    @inline(__always)
    func ownPoolOnly(_ g: Int) -> Bool {
        !sc.miners[g].buysFromMarket || pools[sc.miners.count].isEmpty
    }

    mutating func reselect(group g: Int, lazy: Bool = true) -> Bool {
        var pooled: [SimProof]?  // built at most once per call
        if lazy && credited[g] > 0 {
            let bound: Int64
            if ownPoolOnly(g) {
                bound = policy.optimalCredit(cappedSums: pools[g].cappedSum)
            } else {
                let c = candidates(g)
                pooled = c
                bound = policy.optimalCreditBound(c.map { $0.candidate })
            }
            if bound == credited[g] {
                stale[g] = true
                return false
            }
        }
        stale[g] = false
        let cands = pooled ?? candidates(g)
        if !policy.selectOneType(cands, into: &selections[g], distinctNullifiers: distinctDraws) {
            selections[g] = policy.select(cands.map { $0.candidate }, thetaMicro: theta)
        }
        let new = selections[g].creditedMicro
        let old = credited[g]
        credited[g] = new
        if new > 0 && !isHolder[g] { isHolder[g] = true; holders.append(g) }
        if new > holderCreditCeiling { holderCreditCeiling = new }
        if new == 0 && isHolder[g] { isHolder[g] = false; holders.removeAll { $0 == g } }
        guard old != new else { return false }
        tree.set(g, weight(g))
        return true
    }

    /// The finder's attached proofs are spent: their nullifiers enter the TTL window and leave
    /// every pool; the owners' selections are redone. Returns the proofs attached per type for the
    /// α tuner (empty without one: nothing reads it).
    @discardableResult
    mutating func consume(group g: Int) -> [ProofType: Int64] {
        let cands = candidates(g)
        let used = selections[g].chosen.map { cands[$0].nullifier }
        var counts: [ProofType: Int64] = [:]
        let tuned = policy.tuner != nil
        let market = sc.miners.count
        for i in selections[g].chosen {
            if tuned { counts[cands[i].type, default: 0] += 1 }
            let p = cands[i].provider
            if owners[p] == market && counting {
                stats.groups[g].marketProofs += 1
                stats.groups[g].proofSpend += sc.providers[p].price
            }
        }
        for n in used { nullifiers.record(n, height: Int64(height)) }
        if height % 1024 == 0 { nullifiers.prune(belowHeight: Int64(height) - nullifiers.ttl) }
        if pools[g].remove(nullifiers: used) { unpark(owner: g) }
        _ = reselect(group: g)
        if sc.miners[g].buysFromMarket, pools[sc.miners.count].remove(nullifiers: used) {
            unpark(owner: sc.miners.count)
            _ = reselect(afterChangeOf: sc.miners.count)
        }
        return counts
    }
}
