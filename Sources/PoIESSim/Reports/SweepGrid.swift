import Foundation

/// Why a sweep could not be planned, aggregated or merged.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    case badSet(String)
    case duplicateKey(String)
    case badShard(String)
    case headerMismatch(file: String, expected: [String], found: [String])
    case missingColumn(file: String, column: String)
    case duplicateRun(file: String, run: Int)
    case badRunIndex(file: String, line: Int, value: String)
    case missingFile(String)
    case runFailed(run: Int, reason: String)
    case badManifest(String)
    case manifestMismatch(file: String)
    case resumeMismatch(file: String, detail: String)
    case badBaseline(Int, combinations: Int)

    public var description: String {
        switch self {
        case .badSet(let s): return "--set '\(s)': expected key.path=v1,v2,… with a non-empty key and at least one value"
        case .duplicateKey(let k): return "--set: key '\(k)' is given twice; list all its values in one --set"
        case .badShard(let s): return "--shard '\(s)': expected k/N with 0 ≤ k < N (k is 0-based, as SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are)"
        case .headerMismatch(let f, let e, let g):
            let diff = Set(e).symmetricDifference(g).sorted()
            let detail = diff.isEmpty ? "same columns in a different order" : "differing columns: \(diff.joined(separator: ", "))"
            return "\(f): header does not match the first runs.csv (\(detail)); merge only shards of the same sweep"
        case .missingColumn(let f, let c): return "\(f): no column '\(c)'"
        case .duplicateRun(let f, let r): return "\(f): run \(r) already came from another shard; each shard must be merged once"
        case .badRunIndex(let f, let l, let v): return "\(f) line \(l): expected a non-negative integer run index, got '\(v)'"
        case .missingFile(let p): return "file '\(p)' does not exist"
        case .runFailed(let r, let why): return "run \(r) failed: \(why)"
        case .badManifest(let p): return "\(p): not a sweep.json written by simctl (expected parameters, replications, runs, combinations)"
        case .manifestMismatch(let f): return "\(f): a different grid (--set keys or values, --replications) than the first shard's; merge only shards of the same sweep"
        case .resumeMismatch(let f, let d): return "\(f): \(d); it was written by a different sweep — resume with the same scenario, --set and --replications, or use a fresh --out"
        case .badBaseline(let k, let n): return "--baseline \(k): expected a combination index from 0 to \(n - 1) (grid order: first --set slowest)"
        }
    }
}

/// One swept parameter: a dotted key path into the scenario and the values to try, as written.
public struct SweepParameter: Sendable, Equatable {
    public var key: String
    public var values: [String]

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }

    /// Parses `--set key.path=v1,v2,…`. Values are kept as text; the scenario loader types them.
    public init(parsing s: String) throws(SweepError) {
        guard let eq = s.firstIndex(of: "=") else { throw .badSet(s) }
        let key = s[..<eq].trimmingCharacters(in: .whitespaces)
        let values = s[s.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !key.isEmpty, !values.isEmpty, !values.contains(where: \.isEmpty) else { throw .badSet(s) }
        self.init(key: key, values: values)
    }
}

/// The cartesian product of the swept values, × replications, numbered deterministically:
/// the first `--set` varies slowest, the last fastest (odometer order), and replications vary
/// fastest of all. Run `i` is combination `i / R`, replication `i % R`.
public struct SweepGrid: Sendable, Equatable {
    public var parameters: [SweepParameter]
    public var replications: Int

    public init(parameters: [SweepParameter], replications: Int = 1) throws(SweepError) {
        var seen = Set<String>()
        for p in parameters where !seen.insert(p.key).inserted { throw .duplicateKey(p.key) }
        self.parameters = parameters
        self.replications = max(replications, 1)
    }

    /// Parses a list of `--set` arguments.
    public init(sets: [String], replications: Int = 1) throws(SweepError) {
        var ps: [SweepParameter] = []
        for s in sets { ps.append(try SweepParameter(parsing: s)) }
        try self.init(parameters: ps, replications: replications)
    }

    public var keys: [String] { parameters.map(\.key) }
    public var combinationCount: Int { parameters.reduce(1) { $0 * $1.values.count } }
    public var runCount: Int { combinationCount * replications }

    /// Combination `c`'s values, in parameter order.
    public func combination(_ c: Int) -> [String] {
        var rest = c
        var out = Array(repeating: "", count: parameters.count)
        for (j, p) in parameters.enumerated().reversed() {
            out[j] = p.values[rest % p.values.count]
            rest /= p.values.count
        }
        return out
    }

    /// Every combination in order.
    public var combinations: [[String]] { (0..<combinationCount).map(combination) }

    /// Run `i` of the sweep.
    public func run(_ i: Int) -> SweepRun {
        let c = i / replications
        return SweepRun(index: i, combination: c, replication: i % replications,
                        assignments: Array(zip(keys, combination(c))).map { SweepRun.Assignment(key: $0.0, value: $0.1) })
    }

    /// The runs that `shard` executes, in index order.
    public func runs(in shard: SweepShard = .all) -> [SweepRun] {
        shard.indices(of: runCount).map(run)
    }
}

/// One simulation of a sweep: which grid point and which replication.
public struct SweepRun: Sendable, Equatable {
    public struct Assignment: Sendable, Equatable {
        public var key: String
        public var value: String

        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }
    public var index: Int
    public var combination: Int
    public var replication: Int
    public var assignments: [Assignment]
}

/// `--shard k/N`: run `i` belongs to shard `i mod N`, so N array tasks split any sweep evenly and
/// together cover every run exactly once, whatever the grid's shape.
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let all = SweepShard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex: Int, count: Int) {
        index = uncheckedIndex
        self.count = count
    }

    public init(index: Int, count: Int) throws(SweepError) {
        guard count >= 1, index >= 0, index < count else { throw .badShard("\(index)/\(count)") }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `k/N`.
    public init(parsing s: String) throws(SweepError) {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces))
        else { throw .badShard(s) }
        do { try self.init(index: k, count: n) } catch { throw .badShard(s) }
    }

    public func contains(_ run: Int) -> Bool { run % count == index }

    /// The run indices of `0..<total` in this shard, ascending.
    public func indices(of total: Int) -> StrideTo<Int> { stride(from: index, to: total, by: count) }

    public var description: String { "\(index)/\(count)" }
}
