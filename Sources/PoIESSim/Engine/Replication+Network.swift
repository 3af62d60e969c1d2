import MiningCore

/// A block in network mode: each miner group mines on its own view of the tip, blocks reach the
/// other groups after a propagation delay, and forks are resolved by the fork-choice rule.
struct NetBlock {
    var parent: Int
    var height: Int
    var time: Double
    var group: Int
    var theta: Int64
    var h: Int64
    var credited: Int64
    var byType: (Int64, Int64, Int64, Int64, Int64)
    /// Proofs the block carries.
    var attached: Int
    /// Cumulative S = Σ (H + Σψ credited) along the chain, µ-nats (fork choice, first key).
    var cumS: Int64
    /// Tie-break of last resort ("smaller hash"): a random 64-bit stand-in for the block hash.
    var hash: UInt64
    /// Retarget state after this block (Θ for its children).
    var retarget: AnyRetargetRule.State
}

/// Network-mode state of a replication.
struct NetworkState {
    var blocks: [Int: NetBlock] = [:]
    var nextId = 1
    var tip: [Int]
    var thetaOf: [Int64]
    var best = 0
    /// Heights written out so far (all blocks at or below are final).
    var finalHeight = -1
    var byHeight: [Int: [Int]] = [:]
    var rng: StreamRNG
    var delays: [Distribution]
    /// Private chains of block-withholding groups (nil when no group withholds).
    var withholding: WithholdingState?

    /// Fork choice: highest cumulative S, then height, then smaller hash.
    static func better(_ a: NetBlock, than b: NetBlock) -> Bool {
        if a.cumS != b.cumS { return a.cumS > b.cumS }
        if a.height != b.height { return a.height > b.height }
        return a.hash < b.hash
    }
}

extension Replication {
    mutating func setUpNetwork() {
        let genesis = NetBlock(parent: -1, height: -1, time: 0, group: -1, theta: theta, h: 0, credited: 0,
                               byType: (0, 0, 0, 0, 0), attached: 0, cumS: 0, hash: 0, retarget: ctrl.state)
        var n = NetworkState(tip: Array(repeating: 0, count: sc.miners.count),
                             thetaOf: Array(repeating: theta, count: sc.miners.count),
                             rng: StreamRNG(seed: sc.seed, replication: rep, stream: .network),
                             delays: sc.miners.map { $0.propagation ?? sc.network.propagation })
        n.blocks[0] = genesis
        if sc.miners.contains(where: { $0.strategy == .withholding }) {
            n.withholding = WithholdingState(groups: sc.miners.map { $0.strategy == .withholding })
        }
        net = n
        expNegTheta = 1  // rates are absolute in network mode (each group has its own Θ)
    }

    /// Rate weight of group g in network mode: effective hashrate × P(H ≥ Θ_g − s_g).
    @inline(__always)
    func networkWeight(_ g: Int) -> Double {
        eff[g] == 0 ? 0 : eff[g] * hashSuccessProbability(targetMicro: max(0, net!.thetaOf[g] - credited[g]))
    }

    mutating func foundBlockNetworked<S: BlockSink>(sink: inout S) {
        let g = tree.find(rngWinner.uniformOpen() * tree.total)
        if stale[g] { _ = reselect(group: g, lazy: false) }
        let parentId = net!.tip[g]
        let parent = net!.blocks[parentId]!
        let th = net!.thetaOf[g]
        let s = credited[g]
        let t = max(0, th - s)
        let e = -Foundation_log(rngLuck.uniformOpen()) * 1e6
        let h = min(177_445_678, Int64((Double(t) - (t > 0 ? 0.5 : 0) + e).rounded(.toNearestOrEven)))
        let sel = selections[g]
        var state = parent.retarget
        _ = ctrl.rule.step(&state, RetargetSample(dt: now - parent.time))
        let b = NetBlock(parent: parentId, height: parent.height + 1, time: now, group: g, theta: th, h: h, credited: s,
                         byType: (sel.creditedByType[1], sel.creditedByType[2], sel.creditedByType[3], sel.creditedByType[4], sel.creditedByType[5]),
                         attached: s > 0 ? sel.chosen.count : 0,
                         cumS: parent.cumS + h + s, hash: net!.rng.next(), retarget: state)
        let id = net!.nextId
        net!.nextId += 1
        net!.blocks[id] = b
        net!.byHeight[b.height, default: []].append(id)
        // `best` is the best *public* block: a withheld block joins it only when published.
        let withholds = net!.withholding?.withholds(g) ?? false
        if !withholds, NetworkState.better(b, than: net!.blocks[net!.best]!) { net!.best = id }
        if s > 0 {
            let attached = consume(group: g)
            if let tuner = policy.tuner, var st = alphaState { tuneAlpha(tuner, &st, attached) }
        }
        adopt(g, id)
        if withholds { foundWithheld(g, id) } else { broadcast(id, from: g) }
        height = net!.blocks[net!.best]!.height + 1
        if !counting && height >= sc.warmupBlocks { startCounting() }
        finalize(upTo: height - 1 - sc.network.finalityDepth, sink: &sink)
        if b.height < net!.finalHeight + 1 { emitLate(id, sink: &sink) }
    }

    /// Block `id` reaches every group but its finder `g` after each receiver's propagation delay.
    mutating func broadcast(_ id: Int, from g: Int) {
        for other in sc.miners.indices where other != g {
            let d = max(0, net!.delays[other].sample(&net!.rng))
            events.push(now + d, .deliver(group: other, block: id))
        }
    }

    /// Group g switches its tip to block `id` (its own, or a delivered better one).
    mutating func adopt(_ g: Int, _ id: Int) {
        net!.tip[g] = id
        let th = ctrl.rule.theta(of: net!.blocks[id]!.retarget)
        net!.thetaOf[g] = th
        if let i = greedy.firstIndex(where: { $0.group == g }) {
            let on = Double(th) < greedy[i].threshold * greedyMA[i]
            greedyMA[i] += greedy[i].alpha * (Double(th) - greedyMA[i])
            if on != greedyOn[g] { greedyOn[g] = on; accrue(g); eff[g] = online[g] && on ? Double(sc.miners[g].count) * hashrate[g] : 0 }
        }
        tree.set(g, networkWeight(g))
    }

    /// A block reaches group g; returns whether g's rate changed.
    mutating func deliver(_ g: Int, _ id: Int) -> Bool {
        if net!.withholding?.withholds(g) == true { return deliverToWithholder(g, id) }
        guard let b = net!.blocks[id], let cur = net!.blocks[net!.tip[g]] else { return false }
        guard NetworkState.better(b, than: cur) else { return false }
        let before = tree[g]
        adopt(g, id)
        return tree[g] != before
    }

    /// Writes every height ≤ `h` not yet written: the best chain's block is canonical, the rest
    /// at that height are orphans.
    mutating func finalize<S: BlockSink>(upTo h: Int, sink: inout S) {
        guard h > net!.finalHeight else { return }
        var chain: [Int] = []  // canonical ids for heights finalHeight+1 … h, from the best tip down
        var id = net!.best
        while let b = net!.blocks[id], b.height > net!.finalHeight {
            if b.height <= h { chain.append(id) }
            id = b.parent
        }
        for cid in chain.reversed() {
            let c = net!.blocks[cid]!
            for bid in net!.byHeight[c.height] ?? [] {
                let b = net!.blocks[bid]!
                let parentTime = net!.blocks[b.parent]?.time ?? 0
                record(b, orphaned: bid != cid, interval: b.time - parentTime, sink: &sink)
            }
            net!.byHeight[c.height] = nil
            net!.finalHeight = c.height
        }
        pruneOrphans()
    }

    /// A block mined on a tip below the final height: an orphan the moment it exists.
    mutating func emitLate<S: BlockSink>(_ id: Int, sink: inout S) {
        let b = net!.blocks[id]!
        record(b, orphaned: true, interval: b.time - (net!.blocks[b.parent]?.time ?? b.time), sink: &sink)
        net!.byHeight[b.height]?.removeAll { $0 == id }
    }

    /// Drops non-canonical blocks below the final height that no group mines on.
    mutating func pruneOrphans() {
        guard net!.blocks.count > 4 * (sc.network.finalityDepth + sc.miners.count) + 64 else { return }
        let keep = Set(net!.tip).union([net!.best])
        let fh = net!.finalHeight
        for (id, b) in net!.blocks where b.height < fh - 1 && !keep.contains(id) { net!.blocks[id] = nil }
    }

    mutating func record<S: BlockSink>(_ b: NetBlock, orphaned: Bool, interval: Double, sink: inout S) {
        let counted = b.height >= sc.warmupBlocks && b.height < stopHeight
        if counted {
            if orphaned {
                stats.orphans += 1
                stats.groups[b.group].orphans += 1
            } else {
                stats.blocks += 1
                stats.addInterval(interval, target: target)
                stats.addTheta(b.theta)
                stats.groups[b.group].blocks += 1
                stats.groups[b.group].reward += sc.chain.blockReward
                if b.credited > 0 {
                    stats.proofsAttached += b.attached
                    stats.groups[b.group].psiCreditedMicro += Double(b.credited)
                    let bt = [b.byType.0, b.byType.1, b.byType.2, b.byType.3, b.byType.4]
                    for i in 0..<5 { stats.psiCreditedByType[i + 1] += Double(bt[i]) }
                    if b.credited > stats.maxCreditedMicro { stats.maxCreditedMicro = b.credited }
                }
            }
        }
        guard b.height < stopHeight else { return }
        sink.block(BlockRecord(replication: rep, height: b.height, time: b.time, minerGroup: b.group, thetaMicro: b.theta,
                               hMicro: b.h, psiCreditedMicro: b.credited, psiByType: b.byType, interval: interval,
                               orphaned: orphaned))
    }
}
