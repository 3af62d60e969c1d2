import Foundation
import MiningCore

/// `sweep.json`: what a sweep folder holds — the grid (swept keys and values in `--set` order,
/// replications per combination, run and combination counts) and the configuration fields of
/// `runs.csv` (`scenario`, `seed`, `replications`, `targetInterval`) that are the same in every
/// run. Those constants used to be "aggregated" in `aggregate.csv` as if they were outcomes; they
/// live here instead, and a configuration field that varies (a swept target interval, say) is
/// listed under `varying` and read from `runs.csv`.
///
/// The file is a function of the grid and the rows only, so a merged sweep writes the same bytes
/// as the unsharded one; a shard's file also names its `shard`.
public struct SweepManifest: Sendable, Equatable {
    public static let file = "sweep.json"

    public var parameters: [SweepParameter]
    public var replications: Int
    public var runs: Int
    public var combinations: Int
    /// `k/N` for a shard's folder; nil for a whole (or merged) sweep.
    public var shard: String?
    public var constants: [String: JSONValue]
    public var varying: [String]

    public init(grid: SweepGrid, shard: SweepShard, table: SweepRunsTable) {
        self.init(parameters: grid.parameters, replications: grid.replications, runs: grid.runCount,
                  combinations: grid.combinationCount, shard: shard == .all ? nil : shard.description, table: table)
    }

    public init(parameters: [SweepParameter], replications: Int, runs: Int, combinations: Int, shard: String?, table: SweepRunsTable) {
        self.parameters = parameters
        self.replications = replications
        self.runs = runs
        self.combinations = combinations
        self.shard = shard
        constants = [:]
        varying = []
        for c in table.configurationColumnIndices {
            let name = table.header[c]
            let values = Set(table.table.rows.map { c < $0.count ? $0[c] : "" })
            if values.count == 1, let v = values.first {
                constants[name] = Self.typed(v)
            } else if values.count > 1 {
                varying.append(name)
            }
        }
    }

    /// A CSV cell back as JSON: integers, then other numbers, else text.
    static func typed(_ cell: String) -> JSONValue {
        if let i = Int64(cell) { return .int(i) }
        if let d = Double(cell), d.isFinite { return .double(d) }
        return cell.isEmpty ? .null : .string(cell)
    }

    /// The part that must agree between the shards of one sweep.
    public var gridJSON: JSONValue {
        .object([
            "parameters": .array(parameters.map { p in
                .object(["key": .string(p.key), "values": .array(p.values.map { .string($0) })])
            }),
            "replications": .int(Int64(replications)),
            "runs": .int(Int64(runs)),
            "combinations": .int(Int64(combinations)),
        ])
    }

    public var json: JSONValue {
        guard case .object(var o) = gridJSON else { return gridJSON }
        o["constants"] = .object(constants)
        o["varying"] = .array(varying.map { .string($0) })
        if let shard { o["shard"] = .string(shard) }
        return .object(o)
    }

    public func write(to dir: URL) throws {
        let url = dir.appendingPathComponent(Self.file)
        do { try Data((json.canonical + "\n").utf8).write(to: url, options: .atomic) } catch {
            throw RunOutputsError.cannotWrite(url.path)
        }
    }

    /// Reads `dir/sweep.json`'s grid part (nil when the folder has none: a sweep written before
    /// the file existed).
    public static func readGrid(in dir: URL) throws -> (parameters: [SweepParameter], replications: Int, runs: Int, combinations: Int)? {
        let url = dir.appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let v = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let o) = v,
              case .array(let ps)? = o["parameters"], case .int(let r)? = o["replications"],
              case .int(let n)? = o["runs"], case .int(let c)? = o["combinations"]
        else { throw SweepError.badManifest(url.path) }
        var params: [SweepParameter] = []
        for p in ps {
            guard case .object(let po) = p, case .string(let k)? = po["key"], case .array(let vs)? = po["values"] else {
                throw SweepError.badManifest(url.path)
            }
            params.append(SweepParameter(key: k, values: vs.compactMap { if case .string(let s) = $0 { s } else { nil } }))
        }
        return (params, Int(r), Int(n), Int(c))
    }
}
