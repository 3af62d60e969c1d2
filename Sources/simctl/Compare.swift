import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl compare`: paired differences on common random numbers.
///
/// The arguments decide the comparison: two scenario files (`.toml`) are run replication by
/// replication on the same random streams; one sweep folder with `--baseline k` compares every
/// combination of that sweep with combination k. Folder pairs (a simulated run against an
/// emulated one, issue 13) are the next form and are refused with a message until then.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Paired comparison on common random numbers: B − A per metric with 95% CIs.",
        discussion: """
            simctl compare A.toml B.toml runs replications 0..<R of both scenarios (R: \
            --replications, else A's), B with A's seed, so replication r of A and of B draw the \
            same random streams. For each metric it reports the mean paired difference B − A with \
            its 95% t-interval, the interval the same runs would give unpaired, and the variance \
            reduction factor (s_A² + s_B²)/s_d² — how many times more replications an unpaired \
            design would need for the same precision. --set overrides apply to both scenarios. \
            With --out DIR it writes DIR/runs.csv, aggregate.csv, sweep.json (param:scenario is \
            A:<file> or B:<file>) and compare.csv.

            simctl compare SWEEP_DIR --baseline k compares every combination of a sweep with \
            combination k (0-based, grid order), paired by replication, and writes \
            SWEEP_DIR/compare.csv (`simctl report SWEEP_DIR` then shows it).

            Prints a table (metric, A, B, B − A, paired and unpaired 95% CI, variance reduction); \
            --json prints one JSON object instead. docs/METRICS.md defines the columns.

            Examples:
              simctl compare Scenarios/retarget-compare-asert.toml \\
                Scenarios/retarget-compare-asert-slow.toml --replications 8 --set scenario.blocks=5000
              simctl compare out/halflife --baseline 0
            """
    )

    @Argument(help: "A.toml B.toml, or one sweep folder (with --baseline).")
    var inputs: [String] = []

    @Option(help: "Sweep folder: the combination every other one is compared with (0-based).")
    var baseline: Int?

    @Option(help: "Replications of each scenario (default: A's).")
    var replications: Int?

    @Option(name: .customLong("set"), help: "Override a key of both scenarios: key.path=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Scenario pair: runs in parallel (default 1).")
    var jobs = 1

    @Option(help: "Scenario pair: folder for runs.csv, aggregate.csv, sweep.json, compare.csv.")
    var out: String?

    @Option(name: .customLong("metric"), help: "Show only these metrics (repeatable; compare.csv keeps all).")
    var metrics: [String] = []

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Flag(help: "No progress line on stderr.")
    var quiet = false

    enum Form { case scenarios(String, String), sweep(String, Int) }

    func form() throws -> Form {
        let tomls = inputs.filter { $0.hasSuffix(".toml") }
        if inputs.count == 2, tomls.count == 2 {
            guard baseline == nil else { throw CLI.fail("--baseline", "only with a sweep folder, not with two scenario files") }
            return .scenarios(inputs[0], inputs[1])
        }
        var isDir: ObjCBool = false
        if inputs.count == 1, FileManager.default.fileExists(atPath: inputs[0], isDirectory: &isDir), isDir.boolValue {
            guard let k = baseline else { throw CLI.fail("--baseline", "a sweep folder needs --baseline k (the combination to compare with)") }
            return .sweep(inputs[0], k)
        }
        if inputs.count == 2, tomls.isEmpty {
            throw CLI.fail("inputs", "comparing two run folders (a simulated run with an emulated one) is not supported yet; give A.toml B.toml, or SWEEP_DIR --baseline k")
        }
        throw CLI.fail("inputs", "expected A.toml B.toml, or one sweep folder with --baseline k")
    }

    func run() throws {
        guard jobs >= 1 else { throw CLI.fail("--jobs", "an integer ≥ 1") }
        if let r = replications, r < 2 { throw CLI.fail("--replications", "an integer ≥ 2 (a paired interval needs two pairs)") }
        let table: CSVTable
        switch try form() {
        case .sweep(let dir, let k):
            let url = URL(fileURLWithPath: dir)
            do {
                let runs = try SweepRunsTable.read(url.appendingPathComponent(SweepOutputs.runsFile))
                table = try PairedComparison.table(runs, baseline: k)
            } catch let e as SweepError {
                throw CLI.fail(e.isBaseline ? "--baseline" : "SWEEP_DIR", e.description)
            } catch {
                throw CLI.fail("SWEEP_DIR", "\(error)")
            }
            try write(table, to: url)
        case .scenarios(let a, let b):
            table = try runPair(a, b)
        }
        if json {
            CLI.printJSON(Self.json(table, only: metrics))
        } else {
            print(Self.render(table, only: metrics))
        }
    }

    func write(_ table: CSVTable, to dir: URL) throws {
        let url = dir.appendingPathComponent(SweepOutputs.compareFile)
        do { try Data(table.text.utf8).write(to: url, options: .atomic) } catch { throw CLI.fail("--out", "cannot write '\(url.path)'") }
    }

    /// Runs A and B as a two-point "sweep" over `param:scenario`, then compares point 1 with 0.
    func runPair(_ a: String, _ b: String) throws -> CSVTable {
        for p in [a, b] where !FileManager.default.fileExists(atPath: p) { throw CLI.fail("scenario", "file '\(p)' does not exist") }
        let sets: [ScenarioOverride]
        let sa: Scenario
        do {
            sets = try overrides.map { s throws(ScenarioError) in try ScenarioOverride(parsing: s) }
            sa = try Scenario.load(path: a, overrides: sets)
            _ = try Scenario.load(path: b, overrides: sets)
        } catch {
            FileHandle.standardError.write(Data("simctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let seed = try ScenarioOverride(parsing: "scenario.seed=\(sa.seed)")
        // "A:" and "B:" keep the two points apart when A and B are the same file (A against A).
        let grid = try SweepGrid(parameters: [SweepParameter(key: "scenario", values: ["A:" + a, "B:" + b])], replications: replications ?? sa.replications)
        guard grid.replications >= 2 else { throw CLI.fail("--replications", "an integer ≥ 2 (A has \(grid.replications) replication)") }
        let runOne: SweepDriver.RunOne = { run in
            let path = String(run.assignments[0].value.dropFirst(2))
            let sc = try Scenario.load(path: path, overrides: run.combination == 0 ? sets : sets + [seed])
            var summary = Summary(scenario: sc)
            var sink = NullBlockSink()
            summary.add(try Simulation.run(scenario: sc, replication: run.replication, sink: &sink))
            return summary.json
        }
        let dir = out.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("simctl-compare-\(getpid())-\(UUID().uuidString)")
        defer { if out == nil { try? FileManager.default.removeItem(at: dir) } }
        let line = quiet ? nil : ProgressLine(label: "compare", unit: "runs", total: grid.runCount)
        let runs: SweepRunsTable
        let progress = ProgressLine.callback(line)
        do {
            runs = try SweepDriver.execute(grid: grid, jobs: jobs, out: dir, progress: progress, runOne: runOne)
        } catch let e as SweepError {
            line?.finish()
            throw CLI.fail("scenario", e.description)
        } catch {
            line?.finish()
            throw CLI.fail("--out", "\(error)")
        }
        line?.finish()
        let table = try PairedComparison.table(runs, baseline: 0)
        if out != nil { try write(table, to: dir) }
        return table
    }

    /// Rows of `compare.csv` restricted to `only` (all when empty).
    static func selected(_ t: CSVTable, only: [String]) -> [[String]] {
        guard let m = t.column("metric") else { return [] }
        return t.rows.filter { only.isEmpty || only.contains($0[m]) }
    }

    static func render(_ t: CSVTable, only: [String]) -> String {
        func col(_ n: String) -> Int { t.column(n)! }
        func num(_ s: String) -> String { Double(s).map { NumberFormat.short($0, digits: 4) } ?? "–" }
        let params = t.header.indices.filter { t.header[$0].hasPrefix(SweepRunsTable.parameterPrefix) }
        var lines: [[String]] = [["combination", "metric", "n", "A (baseline)", "B", "B − A", "paired 95% CI", "unpaired 95% CI", "var. reduction"]]
        for r in selected(t, only: only) {
            let combo = params.map { "\(t.header[$0].dropFirst(SweepRunsTable.parameterPrefix.count))=\(r[$0])" }.joined(separator: " ")
            lines.append([combo, r[col("metric")], r[col("n")], num(r[col("baseline.mean")]), num(r[col("mean")]), num(r[col("diff.mean")]),
                          "[\(num(r[col("diff.ci95_low")])), \(num(r[col("diff.ci95_high")]))]",
                          "[\(num(r[col("unpaired.ci95_low")])), \(num(r[col("unpaired.ci95_high")]))]",
                          num(r[col("varianceReduction")])])
        }
        let widths = lines[0].indices.map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { l in
            l.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func json(_ t: CSVTable, only: [String]) -> JSONValue {
        let rows = selected(t, only: only).map { r -> JSONValue in
            var o: [String: JSONValue] = [:]
            for (h, v) in zip(t.header, r) {
                if let i = Int64(v) { o[h] = .int(i) } else if let d = Double(v) { o[h] = .double(d) } else { o[h] = v.isEmpty ? .null : .string(v) }
            }
            return .object(o)
        }
        return .object(["comparisons": .array(rows)])
    }
}

extension SweepError {
    var isBaseline: Bool { if case .badBaseline = self { true } else { false } }
}
