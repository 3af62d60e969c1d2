import MiningCore

/// Private chains of the block-withholding groups (`strategy = "withholding"`): the Eyal–Sirer
/// selfish-mining strategy adapted to PoIES fork choice (highest cumulative S, then height, then
/// smaller hash). The rules and why they look like this: docs/decisions/withholding.md.
///
/// A withholding group mines on its own tip (`NetworkState.tip`, as every group does); the blocks
/// it found and has not yet shown anyone are `unpublished` (oldest first, each the parent of the
/// next, the last one the group's tip). `NetworkState.best` only ever holds published blocks, so
/// finalisation and the rows follow the best *public* chain and an unpublished block can only be
/// written as an orphan.
struct WithholdingState {
    /// Whether group g withholds.
    var isWithholder: [Bool]
    /// The best public block group g knows of (delivered to it, or published by it).
    var publicView: [Int]
    /// Group g's found but unpublished blocks, oldest first.
    var unpublished: [[Int]]
    /// Group g published its whole private chain to beat a competing block P while its lead over
    /// P was below one block's Θ: the next block it finds settles the race and is published at once.
    var racing: [Bool]

    init(groups: [Bool]) {
        isWithholder = groups
        publicView = Array(repeating: 0, count: groups.count)
        unpublished = Array(repeating: [], count: groups.count)
        racing = Array(repeating: false, count: groups.count)
    }

    @inline(__always) func withholds(_ g: Int) -> Bool { isWithholder[g] }
}

extension Replication {
    /// Withholding group g found block `id` (already its tip): keep it private, unless the group
    /// is in a race, which this block wins — then it is published at once.
    mutating func foundWithheld(_ g: Int, _ id: Int) {
        let parent = net!.blocks[id]!.parent
        if net!.withholding!.unpublished[g].last.map({ $0 != parent }) ?? false {
            // The private chain was abandoned meanwhile (the group was re-seated on the best tip).
            net!.withholding!.unpublished[g] = []
        }
        if net!.withholding!.racing[g] {
            net!.withholding!.racing[g] = false
            net!.withholding!.unpublished[g].append(id)
            publishWithheld(g, count: net!.withholding!.unpublished[g].count)
        } else {
            net!.withholding!.unpublished[g].append(id)
        }
    }

    /// A published block `id` from another group reaches withholding group g. Returns whether g's
    /// block-finding rate changed.
    ///
    /// If it beats g's public view, call it P: when g's private chain does not beat P, g adopts P
    /// and drops its private lead; otherwise g publishes the shortest prefix of its unpublished
    /// blocks whose last block beats P, and everything when the private tip's lead over P is then
    /// below Θ (one more block on P could overtake it).
    mutating func deliverToWithholder(_ g: Int, _ id: Int) -> Bool {
        guard let p = net!.blocks[id] else { return false }
        let before = tree[g]
        dropAbandonedPrivateChain(g)
        let viewId = net!.withholding!.publicView[g]
        if let view = net!.blocks[viewId], !NetworkState.better(p, than: view) { return tree[g] != before }
        net!.withholding!.publicView[g] = id
        net!.withholding!.racing[g] = false
        let priv = net!.withholding!.unpublished[g]
        guard let tipId = priv.last, let tip = net!.blocks[tipId], NetworkState.better(tip, than: p) else {
            // No private chain, or it lost: behave as an honest miner and mine on P.
            net!.withholding!.unpublished[g] = []
            if !priv.isEmpty || net!.blocks[net!.tip[g]].map({ NetworkState.better(p, than: $0) }) ?? true { adopt(g, id) }
            return tree[g] != before
        }
        let k = priv.firstIndex { NetworkState.better(net!.blocks[$0]!, than: p) }! + 1
        publishWithheld(g, count: k)
        // Θ a block on P needs: a lead below it can be overtaken by a single block on P.
        let thetaOnP = ctrl.rule.theta(of: p.retarget)
        if tip.cumS - p.cumS < thetaOnP {
            publishWithheld(g, count: net!.withholding!.unpublished[g].count)
            net!.withholding!.racing[g] = true
        }
        return tree[g] != before
    }

    /// Publishes group g's `count` oldest unpublished blocks: they become public (and may become
    /// the best public block) and reach the other groups after the usual propagation delays.
    mutating func publishWithheld(_ g: Int, count: Int) {
        guard count > 0 else { return }
        let ids = net!.withholding!.unpublished[g].prefix(count)
        net!.withholding!.unpublished[g].removeFirst(count)
        for id in ids {
            let b = net!.blocks[id]!
            if NetworkState.better(b, than: net!.blocks[net!.best]!) { net!.best = id }
            if net!.blocks[net!.withholding!.publicView[g]].map({ NetworkState.better(b, than: $0) }) ?? true {
                net!.withholding!.publicView[g] = id
            }
            broadcast(id, from: g)
        }
        height = net!.blocks[net!.best]!.height + 1
        if !counting && height >= sc.warmupBlocks { startCounting() }
    }

    /// Forgets a private chain that can no longer be published: the group was re-seated on
    /// another tip (it went offline and came back), or its oldest unpublished block is at or
    /// below the final height (rows are written there; finality is never reorganised).
    mutating func dropAbandonedPrivateChain(_ g: Int) {
        let priv = net!.withholding!.unpublished[g]
        guard let first = priv.first else { return }
        let abandoned = priv.last != net!.tip[g]
        let belowFinal = (net!.blocks[first]?.height ?? -1) <= net!.finalHeight
        guard abandoned || belowFinal else { return }
        net!.withholding!.unpublished[g] = []
        net!.withholding!.racing[g] = false
        if belowFinal && !abandoned {
            let view = net!.withholding!.publicView[g]
            adopt(g, net!.blocks[view] != nil ? view : net!.best)
        }
    }
}
