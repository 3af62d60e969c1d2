import MiningCore

/// The pooled result of all replications (post-warm-up), merged in replication order.
///
/// `summary.json` keys: blocks, replications, meanInterval, sdInterval, medianInterval,
/// p95Interval, maxInterval, geoMeanInterval (exp of mean ln interval), targetInterval, bias (mean/target − 1), orphanRate, giniBlocks,
/// maxShareDeviation (largest |block share − hashrate share| over miner groups), psiShareByType
/// (credited ψ by type as a share of all credited ψ), shareAbove6xTarget (intervals longer than
/// 6 targets), steadyLossVsGreedy (1 − steady miners' blocks per hash / greedy miners' blocks per
/// hash; null without both kinds), plus proof counters, proofSpend (paid for proofs, in
/// `blockReward` units) and marketProofsBought, thetaAtMinShare / thetaAtMaxShare (share of blocks
/// mined with Θ at the rule's lower / upper bound; 0 for `fixed`, which has none), `group` (per
/// miner group, keyed by its name: `hashShare`, `blockShare`, `shareDeviation` = blockShare −
/// hashShare, `reward`, `netReward` = reward − proof spend; flattened in `runs.csv` as
/// `group.<name>.blockShare`), warmupBlocks, thetaMinNats / thetaMaxNats (the rule's bounds; null
/// for `fixed`), the scenario's name, seed and (when given) description. docs/METRICS.md defines each.
/// Median and p95 come from `IntervalHistogram` (±0.05%).
public struct Summary: Sendable {
    public var scenario: String
    public var seed: UInt64
    /// `[scenario] description` (omitted from `summary.json` when empty).
    public var description: String
    /// Main-chain blocks per replication discarded before counting (blocks.csv still holds them).
    public var warmupBlocks: Int
    /// The retarget rule's Θ bounds in µ-nats (nil for `fixed`).
    public var thetaBounds: ClosedRange<Int64>?
    public var replications = 0
    public var blocks = 0
    public var orphans = 0
    public var targetInterval: Double
    var intervalSum = 0.0, intervalSumSq = 0.0, logIntervalSum = 0.0
    public var maxInterval = 0.0
    var above6 = 0
    var thetaAtMin = 0, thetaAtMax = 0
    public var histogram = IntervalHistogram()
    public var psiCreditedByType = [Double](repeating: 0, count: 6)
    public var proofsProduced = 0, proofsRejected = 0, proofsAttached = 0
    public var maxCreditedMicro: Int64 = 0
    public var groupNames: [String]
    public var groupCounts: [Int]
    public var groupSteady: [Bool]
    /// Greedy groups (withholding groups are neither steady nor greedy for `steadyLossVsGreedy`).
    var groupGreedy: [Bool]
    public var groupWork: [Double]
    public var groupBlocks: [Int]
    public var groupOrphans: [Int]
    /// Paid for proofs (market purchases + own production) and market proofs bought, all groups.
    public var proofSpend = 0.0
    public var marketProofsBought = 0
    /// Per group: block rewards and proof spend, in `blockReward` units.
    public var groupReward: [Double]
    public var groupSpend: [Double]

    public init(scenario: Scenario) {
        self.scenario = scenario.name
        seed = scenario.seed
        description = scenario.description
        warmupBlocks = scenario.warmupBlocks
        thetaBounds = scenario.chain.thetaBounds
        targetInterval = scenario.chain.targetBlockSeconds
        groupNames = scenario.miners.map(\.name)
        groupCounts = scenario.miners.map(\.count)
        groupSteady = scenario.miners.map { $0.strategy == .steady }
        groupGreedy = scenario.miners.map { if case .greedy = $0.strategy { true } else { false } }
        groupWork = Array(repeating: 0, count: scenario.miners.count)
        groupBlocks = Array(repeating: 0, count: scenario.miners.count)
        groupOrphans = groupBlocks
        groupReward = groupWork
        groupSpend = groupWork
    }

    /// Adds one replication; call in replication order for byte-identical results.
    public mutating func add(_ r: ReplicationStats) {
        replications += 1
        blocks += r.blocks
        orphans += r.orphans
        intervalSum += r.intervalSum
        intervalSumSq += r.intervalSumSq
        logIntervalSum += r.logIntervalSum
        maxInterval = max(maxInterval, r.intervalMax)
        above6 += r.intervalsAbove6x
        thetaAtMin += r.thetaAtMin
        thetaAtMax += r.thetaAtMax
        histogram.merge(r.histogram)
        for t in 0..<6 { psiCreditedByType[t] += r.psiCreditedByType[t] }
        proofsProduced += r.proofsProduced
        proofsRejected += r.proofsRejected
        proofsAttached += r.proofsAttached
        maxCreditedMicro = max(maxCreditedMicro, r.maxCreditedMicro)
        for g in r.groups.indices {
            groupWork[g] += r.groups[g].work
            groupBlocks[g] += r.groups[g].blocks
            groupOrphans[g] += r.groups[g].orphans
            proofSpend += r.groups[g].proofSpend
            groupReward[g] += r.groups[g].reward
            groupSpend[g] += r.groups[g].proofSpend
            marketProofsBought += r.groups[g].marketProofs
        }
    }

    public var meanInterval: Double { histogram.total > 0 ? intervalSum / Double(histogram.total) : 0 }
    public var sdInterval: Double {
        let n = Double(histogram.total)
        guard n > 1 else { return 0 }
        let m = intervalSum / n
        return max(0, (intervalSumSq - n * m * m) / (n - 1)).squareRoot()
    }
    /// exp(mean ln interval): what the consensus EMA rule (spec §6) steers to `T`. For exponential
    /// intervals the arithmetic mean is then ≈ e^γ ≈ 1.78 times larger (plus Θ-noise).
    public var geoMeanInterval: Double {
        histogram.total > 0 ? targetInterval * Foundation_exp(logIntervalSum / Double(histogram.total)) : 0
    }
    public var medianInterval: Double { histogram.quantile(0.5) * targetInterval }
    public var p95Interval: Double { histogram.quantile(0.95) * targetInterval }
    public var bias: Double { meanInterval / targetInterval - 1 }
    public var orphanRate: Double { blocks + orphans > 0 ? Double(orphans) / Double(blocks + orphans) : 0 }
    public var shareAbove6xTarget: Double { histogram.total > 0 ? Double(above6) / Double(histogram.total) : 0 }
    /// Share of blocks mined with Θ at the rule's lower / upper bound. A rule sitting on a bound
    /// does not retarget, so above ~1% the interval statistics partly measure the clamp, not the
    /// rule (`simctl run` warns; see `ThetaBoundCheck`).
    public var thetaAtMinShare: Double { blocks > 0 ? Double(thetaAtMin) / Double(blocks) : 0 }
    public var thetaAtMaxShare: Double { blocks > 0 ? Double(thetaAtMax) / Double(blocks) : 0 }

    public var hashrateShares: [Double] {
        let w = groupWork.reduce(0, +)
        return groupWork.map { w > 0 ? $0 / w : 0 }
    }
    public var blockShares: [Double] {
        let b = groupBlocks.reduce(0, +)
        return groupBlocks.map { b > 0 ? Double($0) / Double(b) : 0 }
    }
    public var maxShareDeviation: Double {
        zip(blockShares, hashrateShares).map { abs($0 - $1) }.max() ?? 0
    }

    /// Gini coefficient of blocks per individual miner (a group's blocks split evenly over its
    /// `count` miners), from the Lorenz curve over groups sorted by blocks per miner.
    public var giniBlocks: Double {
        let total = Double(groupBlocks.reduce(0, +))
        let n = Double(groupCounts.reduce(0, +))
        guard total > 0, n > 0 else { return 0 }
        let order = groupBlocks.indices.filter { groupCounts[$0] > 0 }.sorted {
            let a = Double(groupBlocks[$0]) / Double(groupCounts[$0]), b = Double(groupBlocks[$1]) / Double(groupCounts[$1])
            return a != b ? a < b : $0 < $1
        }
        var lorenzPrev = 0.0, area = 0.0
        for g in order {
            let l = lorenzPrev + Double(groupBlocks[g]) / total
            area += Double(groupCounts[g]) / n * (lorenzPrev + l)
            lorenzPrev = l
        }
        return max(0, 1 - area)
    }

    public var psiShareByType: [ProofType: Double] {
        let t = psiCreditedByType.reduce(0, +)
        var out: [ProofType: Double] = [:]
        for ty in ProofType.allCases { out[ty] = t > 0 ? psiCreditedByType[Int(ty.rawValue)] / t : 0 }
        return out
    }

    public var steadyLossVsGreedy: Double? {
        var sb = 0.0, sw = 0.0, gb = 0.0, gw = 0.0
        for g in groupNames.indices {
            if groupSteady[g] { sb += Double(groupBlocks[g]); sw += groupWork[g] } else if groupGreedy[g] { gb += Double(groupBlocks[g]); gw += groupWork[g] }
        }
        guard sw > 0, gw > 0, gb > 0 else { return nil }
        return 1 - (sb / sw) / (gb / gw)
    }

    /// Per miner group, keyed by name: the question most scenarios ask ("does group X get its
    /// hash share of blocks?") answered in `summary.json`, and so in every sweep column.
    public var groupsJSON: JSONValue {
        let hs = hashrateShares, bs = blockShares
        var out: [String: JSONValue] = [:]
        for g in groupNames.indices {
            out[groupNames[g]] = .object([
                "hashShare": .double(hs[g]),
                "blockShare": .double(bs[g]),
                "shareDeviation": .double(bs[g] - hs[g]),
                "reward": .double(groupReward[g]),
                "netReward": .double(groupReward[g] - groupSpend[g]),
            ])
        }
        return .object(out)
    }

    public var json: JSONValue {
        var psi: [String: JSONValue] = [:]
        for (t, v) in psiShareByType { psi[t.policyName] = .double(v) }
        var o: [String: JSONValue] = [
            "scenario": .string(scenario),
            "warmupBlocks": .int(Int64(warmupBlocks)),
            "thetaMinNats": thetaBounds.map { .double(Double($0.lowerBound) / 1e6) } ?? .null,
            "thetaMaxNats": thetaBounds.map { .double(Double($0.upperBound) / 1e6) } ?? .null,
            "seed": .int(Int64(bitPattern: seed)),
            "replications": .int(Int64(replications)),
            "blocks": .int(Int64(blocks)),
            "meanInterval": .double(meanInterval),
            "sdInterval": .double(sdInterval),
            "medianInterval": .double(medianInterval),
            "geoMeanInterval": .double(geoMeanInterval),
            "p95Interval": .double(p95Interval),
            "maxInterval": .double(maxInterval),
            "targetInterval": .double(targetInterval),
            "bias": .double(bias),
            "orphanRate": .double(orphanRate),
            "giniBlocks": .double(giniBlocks),
            "group": groupsJSON,
            "maxShareDeviation": .double(maxShareDeviation),
            "psiShareByType": .object(psi),
            "shareAbove6xTarget": .double(shareAbove6xTarget),
            "thetaAtMinShare": .double(thetaAtMinShare),
            "thetaAtMaxShare": .double(thetaAtMaxShare),
            "steadyLossVsGreedy": steadyLossVsGreedy.map { .double($0) } ?? .null,
            "proofsProduced": .int(Int64(proofsProduced)),
            "proofsRejected": .int(Int64(proofsRejected)),
            "proofsAttached": .int(Int64(proofsAttached)),
            "maxCreditedMicro": .int(maxCreditedMicro),
            "proofSpend": .double(proofSpend),
            "marketProofsBought": .int(Int64(marketProofsBought)),
        ]
        if !description.isEmpty { o["description"] = .string(description) }
        return .object(o)
    }
}
