import Foundation
import MiningCore

/// Everything the report needs from `blocks.csv`, gathered in one streaming pass with memory
/// bounded by the histogram bins, the Θ downsampling buckets and the number of proof types — not by
/// the number of blocks.
public struct BlocksDigest: Sendable {
    public struct Options: Sendable {
        /// Histogram bins (even).
        public var bins = 40
        /// Θ is charted for replications `0..<thetaReplications`.
        public var thetaReplications = 1
        /// Points kept per Θ series (multiple of 4).
        public var maxThetaPoints = 2000
        /// Rows with `height < warmupBlocks` (heights start at 0) are the warm-up (Θ's climb from Θ₀): counted apart and
        /// left out of every chart and statistic, as `summary.json` leaves them out.
        public var warmupBlocks = 0
        public init(bins: Int = 40, thetaReplications: Int = 1, maxThetaPoints: Int = 2000, warmupBlocks: Int = 0) {
            self.bins = bins
            self.thetaReplications = thetaReplications
            self.maxThetaPoints = maxThetaPoints
            self.warmupBlocks = warmupBlocks
        }
    }

    /// One replication's counted rows: enough for a per-replication mean, sd, orphan rate and ψ
    /// shares, so the report can give confidence intervals across replications.
    public struct ReplicationDigest: Sendable {
        public var blocks = 0
        public var orphans = 0
        public var intervalSum = 0.0
        public var intervalSumSq = 0.0
        public var psiByType: [ProofType: Double] = [:]

        public var meanInterval: Double { blocks > 0 ? intervalSum / Double(blocks) : .nan }
        public var sdInterval: Double {
            guard blocks > 1 else { return .nan }
            let m = intervalSum / Double(blocks)
            return max(0, (intervalSumSq - Double(blocks) * m * m) / Double(blocks - 1)).squareRoot()
        }
        public var orphanRate: Double { blocks + orphans > 0 ? Double(orphans) / Double(blocks + orphans) : .nan }
        public func psiShare(_ t: ProofType) -> Double {
            let total = psiByType.values.reduce(0, +)
            return total > 0 ? (psiByType[t] ?? 0) / total : 0
        }
    }

    /// Rows read (main chain and orphans).
    public private(set) var rows = 0
    /// Rows of the warm-up (`height < warmupBlocks`), main chain and orphans; not charted.
    public private(set) var warmupRows = 0
    public private(set) var orphans = 0
    /// Counted rows per replication.
    public private(set) var perReplication: [Int: ReplicationDigest] = [:]
    /// Credited ψ per type against time, over the charted replications.
    public private(set) var psiTimeline = PsiTimeline()
    /// Intervals of main-chain blocks (orphans have no interval of their own on the chain).
    public private(set) var intervals: StreamingHistogram
    /// Θ (in micro-units, as written) against time, per charted replication.
    public private(set) var theta: [Int: MinMaxDownsampler] = [:]
    /// Σ credited ψ (micro) per proof type, over main-chain blocks; types whose column is absent
    /// are missing from the dictionary.
    public private(set) var psiByType: [ProofType: Double] = [:]
    public private(set) var psiTotal = 0.0
    public private(set) var replications = Set<Int>()

    public let options: Options

    public init(options: Options = Options()) {
        self.options = options
        intervals = StreamingHistogram(bins: options.bins)
    }

    /// Reads `url` (a `blocks.csv`) in one pass.
    public static func read(_ url: URL, options: Options = Options()) throws -> BlocksDigest {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw RunOutputsError.missingFile(url.path)
        }
        var digest = BlocksDigest(options: options)
        var columns: Columns?
        var line = 0
        try CSVReader(url: url).forEachRecord { record in
            line += 1
            if let c = columns {
                try digest.add(record, columns: c, line: line)
            } else {
                columns = try Columns(header: record)
            }
        }
        if columns == nil { throw RunOutputsError.missingColumn(file: RunOutputs.blocksFile, column: RunOutputs.Blocks.replication) }
        return digest
    }

    struct Columns {
        let replication, height, time, theta, psi, interval, orphaned: Int
        let perType: [(ProofType, Int)]
        let perTypeNames: [ProofType: String]
        let width: Int

        init(header: [String]) throws(RunOutputsError) {
            func need(_ n: String) throws(RunOutputsError) -> Int {
                guard let i = header.firstIndex(of: n) else { throw .missingColumn(file: RunOutputs.blocksFile, column: n) }
                return i
            }
            typealias B = RunOutputs.Blocks
            replication = try need(B.replication)
            height = try need(B.height)
            time = try need(B.time)
            theta = try need(B.theta)
            psi = try need(B.psiCredited)
            interval = try need(B.interval)
            orphaned = try need(B.orphaned)
            perType = ProofType.allCases.compactMap { t in
                B.psiColumnNames(t).lazy.compactMap { header.firstIndex(of: $0) }.first.map { (t, $0) }
            }
            perTypeNames = Dictionary(uniqueKeysWithValues: perType.map { ($0.0, header[$0.1]) })
            width = header.count
        }
    }

    private static func number(_ record: [String], _ i: Int, _ name: String, line: Int) throws(RunOutputsError) -> Double {
        let s = i < record.count ? record[i] : ""
        guard let d = Double(s) else {
            throw .badValue(file: RunOutputs.blocksFile, line: line, column: name, value: s)
        }
        return d
    }

    mutating func add(_ r: [String], columns c: Columns, line: Int) throws(RunOutputsError) {
        typealias B = RunOutputs.Blocks
        rows += 1
        let rep = Int(try Self.number(r, c.replication, B.replication, line: line))
        replications.insert(rep)
        if options.warmupBlocks > 0, try Self.number(r, c.height, B.height, line: line) < Double(options.warmupBlocks) {
            warmupRows += 1
            return
        }
        let orphan = try Self.number(r, c.orphaned, B.orphaned, line: line) != 0
        if orphan { orphans += 1; perReplication[rep, default: .init()].orphans += 1; return }
        let dt = try Self.number(r, c.interval, B.interval, line: line)
        intervals.add(dt)
        perReplication[rep, default: .init()].blocks += 1
        perReplication[rep]!.intervalSum += dt
        perReplication[rep]!.intervalSumSq += dt * dt
        let charted = rep >= 0 && rep < options.thetaReplications
        let t = try Self.number(r, c.time, B.time, line: line)
        if charted {
            let th = try Self.number(r, c.theta, B.theta, line: line)
            theta[rep, default: MinMaxDownsampler(maxPoints: options.maxThetaPoints)].add(x: t, y: th)
        }
        psiTotal += try Self.number(r, c.psi, B.psiCredited, line: line)
        var psiRow: [ProofType: Double] = [:]
        for (ty, i) in c.perType {
            let v = try Self.number(r, i, c.perTypeNames[ty]!, line: line)
            psiByType[ty, default: 0] += v
            perReplication[rep]!.psiByType[ty, default: 0] += v
            psiRow[ty] = v
        }
        if charted { psiTimeline.add(time: t, psi: psiRow) }
    }
}

/// Credited ψ per proof type summed in equal time buckets (at most `maxBuckets`; the span doubles
/// and buckets merge pairwise as time grows, like the interval histogram), with the number of
/// blocks per bucket, so the report can chart mean credited ψ per block over time by type.
public struct PsiTimeline: Sendable {
    public var maxBuckets = 100
    public private(set) var upper = 0.0
    public private(set) var sums: [[Double]] = []   // bucket → ProofType.allCases order
    public private(set) var blocks: [Int] = []

    public var width: Double { upper / Double(maxBuckets) }

    public init() {}

    public mutating func add(time t: Double, psi: [ProofType: Double]) {
        guard t.isFinite, t >= 0 else { return }
        if upper == 0 {
            upper = max(2 * t, 1e-9)
            sums = Array(repeating: Array(repeating: 0, count: ProofType.allCases.count), count: maxBuckets)
            blocks = Array(repeating: 0, count: maxBuckets)
        }
        while t >= upper {
            upper *= 2
            for i in 0..<(maxBuckets / 2) {
                sums[i] = zip(sums[2 * i], sums[2 * i + 1]).map { $0 + $1 }
                blocks[i] = blocks[2 * i] + blocks[2 * i + 1]
            }
            for i in (maxBuckets / 2)..<maxBuckets {
                sums[i] = Array(repeating: 0, count: ProofType.allCases.count)
                blocks[i] = 0
            }
        }
        let b = min(Int(t / width), maxBuckets - 1)
        blocks[b] += 1
        for (k, ty) in ProofType.allCases.enumerated() { sums[b][k] += psi[ty] ?? 0 }
    }
}

/// `miners.csv` pooled over replications: per miner, the mean hashrate share and the share of all
/// main-chain blocks it found. O(miners) memory.
public struct MinerShares: Sendable, Equatable {
    public struct Miner: Sendable, Equatable {
        public var name: String
        public var hashrateShare: Double
        public var blockShare: Double
        public var blocks: Int
        public var orphans: Int
        /// Per replication, in file order: the miner's hash share and block share (for intervals
        /// across replications).
        public var hashrateShares: [Double] = []
        public var blockShares: [Double] = []
    }

    public var miners: [Miner]

    public static func read(_ url: URL) throws -> MinerShares {
        guard FileManager.default.fileExists(atPath: url.path) else { throw RunOutputsError.missingFile(url.path) }
        let table = try CSVReader(url: url).readTable()
        typealias M = RunOutputs.Miners
        func col(_ n: String) throws(RunOutputsError) -> Int {
            guard let i = table.column(n) else { throw .missingColumn(file: RunOutputs.minersFile, column: n) }
            return i
        }
        let (ci, cm, ch, cb, co) = (try col(M.replication), try col(M.miner), try col(M.hashrateShare), try col(M.blocks), try col(M.orphans))
        let cs = table.column(M.blockShare)
        var order: [String] = []
        var acc: [String: (hash: Double, reps: Int, blocks: Int, orphans: Int)] = [:]
        var perRep: [String: (hash: [Double], block: [Double])] = [:]
        for (k, r) in table.rows.enumerated() {
            func num(_ i: Int, _ n: String) throws(RunOutputsError) -> Double {
                let s = i < r.count ? r[i] : ""
                guard let d = Double(s) else { throw .badValue(file: RunOutputs.minersFile, line: k + 2, column: n, value: s) }
                return d
            }
            _ = try num(ci, M.replication)
            let name = cm < r.count ? r[cm] : ""
            if acc[name] == nil { order.append(name); acc[name] = (0, 0, 0, 0) }
            let h = try num(ch, M.hashrateShare)
            acc[name]!.hash += h
            perRep[name, default: ([], [])].hash.append(h)
            if let cs { perRep[name]!.block.append(try num(cs, M.blockShare)) }
            acc[name]!.reps += 1
            acc[name]!.blocks += Int(try num(cb, M.blocks))
            acc[name]!.orphans += Int(try num(co, M.orphans))
        }
        let totalBlocks = acc.values.reduce(0) { $0 + $1.blocks }
        return MinerShares(miners: order.map { n in
            let a = acc[n]!
            return Miner(name: n, hashrateShare: a.hash / Double(a.reps),
                         blockShare: totalBlocks > 0 ? Double(a.blocks) / Double(totalBlocks) : 0,
                         blocks: a.blocks, orphans: a.orphans,
                         hashrateShares: perRep[n]?.hash ?? [], blockShares: perRep[n]?.block ?? [])
        })
    }
}
