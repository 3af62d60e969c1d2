import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl sweep scenario.toml --set key=v1,v2 … --out DIR`: a parameter grid × replications.
struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario over a parameter grid; write runs.csv and aggregate.csv.",
        discussion: """
            Each --set key.path=v1,v2,… adds a swept parameter; the grid is their cartesian product \
            (first --set slowest, last fastest), each point run --replications times. Run i is \
            combination i / R, replication i mod R. OUT/runs.csv has one row per run (param:<key> \
            columns + the run's summary.json fields, per-group ones as group.<name>.blockShare …); \
            OUT/aggregate.csv has mean, sd and a 95% t-interval of every outcome per combination; \
            OUT/sweep.json holds the grid and the constants (scenario, seed, targetInterval). Each \
            run's row is saved to OUT/runs.d/ as it finishes: after an interruption, the same \
            command with --resume runs only the missing runs and writes byte-identical files. A \
            progress line (runs done/total, ETA) goes to stderr unless --quiet. --shard k/N runs only the runs with \
            i mod N = k; join shards with `simctl merge`. See docs/SWEEPS.md for Slurm and \
            Kubernetes examples. Results are byte-identical whatever --jobs is.

            Examples:
              simctl sweep Scenarios/baseline.toml --set chain.retarget.halfLife=12,24,48 \\
                --replications 8 --jobs 2 --out out/halflife
              simctl sweep Scenarios/withholding.toml --set miners.0.hashrate=1000,2000 \\
                --replications 4 --out out/selfish --shard 0/4
            """
    )

    @Argument(help: "The scenario TOML file.")
    var scenario: String

    @Option(name: .customLong("set"), help: "A swept parameter: key.path=v1,v2,… (repeatable).")
    var sets: [String] = []

    @Option(help: "Replications per grid point (default: the scenario's).")
    var replications: Int?

    @Option(help: "Runs executed in parallel (default 1).")
    var jobs = 1

    @Option(help: "Run only shard k of N (0 ≤ k < N): runs with index mod N = k.")
    var shard: String?

    @Option(help: "Output folder for runs.csv, aggregate.csv and sweep.json (created if needed).")
    var out: String

    @Flag(help: "Keep the runs already finished in --out (OUT/runs.d) and run only the others.")
    var resume = false

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    @Option(help: "Also write OUT/compare.csv: every combination against combination k (0-based), paired by replication.")
    var baseline: Int?

    func run() throws {
        guard jobs >= 1 else { throw CLI.fail("--jobs", "an integer ≥ 1") }
        if let r = replications, r < 1 { throw CLI.fail("--replications", "an integer ≥ 1") }
        guard FileManager.default.fileExists(atPath: scenario) else { throw CLI.fail("scenario", "file '\(scenario)' does not exist") }
        let part: SweepShard
        var grid: SweepGrid
        do {
            part = try shard.map { s throws(SweepError) in try SweepShard(parsing: s) } ?? .all
            grid = try SweepGrid(sets: sets, replications: replications ?? 1)
        } catch {
            // The message already names the option and the offending value.
            FileHandle.standardError.write(Data("simctl: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
        let runner: (defaultReplications: Int, runOne: SweepDriver.RunOne)
        do { runner = try SweepRunner.make(scenarioPath: scenario, grid: grid) } catch {
            throw CLI.fail("scenario", "\(error)")
        }
        if replications == nil {
            grid = try! SweepGrid(parameters: grid.parameters, replications: runner.defaultReplications)
        }
        let table: SweepRunsTable
        let line = quiet ? nil : ProgressLine(label: "sweep", unit: "runs", total: grid.runs(in: part).count)
        let progress = ProgressLine.callback(line)
        defer { line?.finish() }
        do {
            table = try SweepDriver.execute(grid: grid, shard: part, jobs: jobs, out: URL(fileURLWithPath: out),
                                            resume: resume, progress: progress, runOne: runner.runOne)
        } catch let e as SweepError {
            throw CLI.fail("scenario", e.description)
        } catch {
            throw CLI.fail("--out", "\(error)")
        }
        if let k = baseline {
            let compare: CSVTable
            do { compare = try PairedComparison.table(table, baseline: k) } catch { throw CLI.fail("--baseline", error.description) }
            let url = URL(fileURLWithPath: out).appendingPathComponent(SweepOutputs.compareFile)
            do { try Data(compare.text.utf8).write(to: url, options: .atomic) } catch { throw CLI.fail("--out", "cannot write '\(url.path)'") }
        }
        CLI.printJSON([
            "out": .string(out),
            "shard": .string(part.description),
            "runs": .int(Int64(table.table.rows.count)),
            "totalRuns": .int(Int64(grid.runCount)),
            "combinations": .int(Int64(grid.combinationCount)),
        ])
    }
}
