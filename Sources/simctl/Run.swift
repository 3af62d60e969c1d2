import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl run scenario.toml`: runs the simulator on a scenario file.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the PoIES discrete-event simulator on a scenario file.",
        discussion: """
            Prints a summary table on stdout (or one JSON object with --json). With --out DIR it \
            writes DIR/blocks.csv, DIR/miners.csv and DIR/summary.json (rows are streamed; \
            --outputs summary writes summary.json only). Results are byte-identical for the \
            same scenario and seed whatever --jobs is. A warning on stderr flags a run whose Θ \
            sat at a bound of its retarget rule in more than 1% of blocks (thetaAtMinShare, \
            thetaAtMaxShare). A scenario's [chain] may name a chain document (chain = \
            "path.toml"), the file `simctl mine --chain` reads. See Scenarios/ for examples.

            Examples:
              simctl run Scenarios/baseline.toml
              simctl run Scenarios/useful-mix.toml --out out/mix --jobs 2
              simctl run Scenarios/hashrate-step.toml --json --set chain.retarget.rule=asert-v1
              simctl run Scenarios/devnet-chain.toml
              simctl run Scenarios/proof-market.toml --set miners.buyer.maxPrice=0.05
            """
    )

    @Argument(help: "The scenario TOML file.")
    var scenario: String

    @Option(name: .long, help: "Output folder for blocks.csv, miners.csv, summary.json.")
    var out: String?

    @Option(name: .long, help: "Replications run in parallel.")
    var jobs: Int = 1

    @Option(name: .long, help: "all (default) or summary (summary.json only).")
    var outputs: String = "all"

    @Option(name: .customLong("set"), help: "Override a scenario key before validation: key.path=value (repeatable).")
    var overrides: [String] = []

    @Flag(name: .long, help: "Print the summary as one JSON object instead of a table.")
    var json = false

    @Flag(name: .long, help: "No progress line on stderr.")
    var quiet = false

    func run() async throws {
        guard jobs >= 1 else { throw CLI.fail("--jobs", "an integer ≥ 1") }
        guard let outputsMode = Simulation.Options.Outputs(rawValue: outputs) else {
            throw CLI.fail("--outputs", "all or summary")
        }
        let sc: Scenario
        do {
            let ovs = try overrides.map { s throws(ScenarioError) in try ScenarioOverride(parsing: s) }
            sc = try Scenario.load(path: scenario, overrides: ovs)
        } catch {
            FileHandle.standardError.write(Data("simctl: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let bar = quiet ? nil : ProgressLine(label: "run", unit: "replications", total: sc.replications)
        var progress: (@Sendable (Int, Int) -> Void)? = nil
        if let bar { progress = { done, _ in bar.update(done) } }
        let options = Simulation.Options(jobs: jobs, outDir: out, outputs: outputsMode, progress: progress)
        let summary: Summary
        do {
            summary = try Simulation.run(scenario: sc, options: options)
        } catch {
            bar?.finish()
            throw CLI.fail(out ?? "scenario", "\(error)")
        }
        bar?.finish()
        for w in ThetaBoundCheck.warnings(summary, scenario: sc) {
            FileHandle.standardError.write(Data("warning: \(w)\n".utf8))
        }
        if json {
            CLI.printJSON(summary.json)
        } else {
            print(SummaryTable.render(summary, scenario: sc))
        }
    }
}

/// The human summary printed by `simctl run`.
enum SummaryTable {
    static func render(_ s: Summary, scenario sc: Scenario) -> String {
        func f(_ x: Double, _ d: Int = 4) -> String { String(format: "%.\(d)f", x) }
        var rows: [(String, String)] = [
            ("scenario", "\(s.scenario) (seed \(s.seed), \(s.replications) replication\(s.replications == 1 ? "" : "s"), \(sc.mode.rawValue) mode, retarget \(sc.chain.retargetRule))"),
            ("blocks", "\(s.blocks) (after \(sc.warmupBlocks) warm-up per replication)"),
            ("mean interval", "\(f(s.meanInterval)) s  (target \(f(s.targetInterval, 2)) s, bias \(f(s.bias * 100, 2))%)"),
            ("geometric mean interval", "\(f(s.geoMeanInterval)) s" + (sc.chain.retargetRule == "ema-v1" ? "  (what the EMA rule steers to the target)" : "")),
            ("sd / median / p95 / max", "\(f(s.sdInterval)) / \(f(s.medianInterval)) / \(f(s.p95Interval)) / \(f(s.maxInterval)) s"),
            ("intervals > 6× target", "\(f(s.shareAbove6xTarget * 100, 3))%"),
            ("Θ at lower / upper bound", thetaBounds(s, sc)),
            ("orphan rate", "\(f(s.orphanRate * 100, 3))%"),
            ("gini (blocks per miner)", f(s.giniBlocks)),
            ("max |block − hash share|", f(s.maxShareDeviation)),
        ]
        if let path = sc.chain.documentPath, let doc = sc.chain.document {
            rows.insert(("chain document", "\(path) (chainId \(doc.chainId), algPolicy root \(Hex.encode(doc.root)))"), at: 1)
        }
        if let l = s.steadyLossVsGreedy { rows.append(("steady loss vs greedy", "\(f(l * 100, 2))%")) }
        if s.proofsProduced > 0 {
            let psi = s.psiShareByType.sorted { $0.key < $1.key }.filter { $0.value > 0 }
                .map { "\($0.key.policyName) \(f($0.value * 100, 1))%" }.joined(separator: ", ")
            rows.append(("proofs produced / rejected / attached", "\(s.proofsProduced) / \(s.proofsRejected) / \(s.proofsAttached)"))
            rows.append(("credited ψ by type", psi.isEmpty ? "none" : psi))
            rows.append(("max credited Σψ", "\(s.maxCreditedMicro) µ-nats"))
        }
        let w = rows.map(\.0.count).max() ?? 0
        var out = rows.map { $0.0.padding(toLength: w, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
        // Economics columns only when someone paid for proofs (rewards alone are blocks × blockReward).
        let money = s.proofSpend > 0
        out += "\n\n" + "miner".padding(toLength: 16, withPad: " ", startingAt: 0) + "  hash share  block share  blocks"
        if money { out += "     reward      spent        net" }
        for (i, n) in s.groupNames.enumerated() {
            out += "\n" + String(n.prefix(16)).padding(toLength: 16, withPad: " ", startingAt: 0)
                + "  " + f(s.hashrateShares[i]).padding(toLength: 10, withPad: " ", startingAt: 0)
                + "  " + f(s.blockShares[i]).padding(toLength: 11, withPad: " ", startingAt: 0)
                + "  " + (money ? "\(s.groupBlocks[i])".padding(toLength: 6, withPad: " ", startingAt: 0) : "\(s.groupBlocks[i])")
            if money {
                for v in [s.groupReward[i], s.groupSpend[i], s.groupReward[i] - s.groupSpend[i]] {
                    let t = f(v, 1)
                    out += "  " + String(repeating: " ", count: max(0, 9 - t.count)) + t
                }
            }
            if i >= 19 && s.groupNames.count > 21 { out += "\n… \(s.groupNames.count - 20) more groups (see miners.csv)"; break }
        }
        return out
    }

    /// "0.00% / 0.12%  (bounds 1 / 64 nats)"; `fixed` has no bounds.
    static func thetaBounds(_ s: Summary, _ sc: Scenario) -> String {
        guard let b = sc.chain.thetaBounds else { return "– (rule fixed: Θ never moves)" }
        func pct(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
        func nats(_ m: Int64) -> String { NumberFormat.short(Double(m) / 1e6, digits: 6) }
        return "\(pct(s.thetaAtMinShare)) / \(pct(s.thetaAtMaxShare))  (bounds \(nats(b.lowerBound)) / \(nats(b.upperBound)) nats)"
    }
}
