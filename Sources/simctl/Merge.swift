import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl merge DIR… --out OUT`: joins the shards of a sweep.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the runs.csv of sweep shards; recompute aggregate.csv and sweep.json over all runs.",
        discussion: """
            Each DIR is the --out folder of one `simctl sweep … --shard k/N` task. Headers must be \
            identical (same sweep, same simulator version); a run index may appear in one shard \
            only; the shards' sweep.json grids must agree. Writes OUT/runs.csv (rows by run index), \
            OUT/aggregate.csv (mean, sd, 95% t-interval per parameter combination) and \
            OUT/sweep.json (byte-identical to the unsharded sweep's), then prints one JSON line. \
            For paired comparisons run `simctl compare OUT --baseline k` afterwards. "missingRuns" counts \
            indices below the largest one seen that no shard provided. See docs/SWEEPS.md.
            """
    )

    @Argument(help: "Shard output folders, each holding runs.csv.")
    var dirs: [String] = []

    @Option(help: "Folder for the merged runs.csv and aggregate.csv (created if needed).")
    var out: String

    func validate() throws {
        guard !dirs.isEmpty else { throw CLI.fail("DIR", "expected at least one shard folder") }
    }

    func run() throws {
        do {
            let r = try SweepMerge.mergeAndWrite(dirs.map { URL(fileURLWithPath: $0) }, to: URL(fileURLWithPath: out))
            CLI.printJSON([
                "out": .string(out),
                "shards": .int(Int64(dirs.count)),
                "runs": .int(Int64(r.runs.table.rows.count)),
                "combinations": .int(Int64(r.aggregate.rows.count)),
                "missingRuns": .int(Int64(r.missingRuns.count)),
            ])
        } catch let e as SweepError {
            throw CLI.fail("DIR", e.description)
        } catch let e as CSVError {
            throw CLI.fail("DIR", e.description)
        } catch let e as RunOutputsError {
            throw CLI.fail("--out", e.description)
        }
    }
}
