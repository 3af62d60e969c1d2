import ArgumentParser
import Foundation
import MiningCore

/// `simctl bench select`: credit + optimal selection throughput on seeded random pools, next to
/// a baseline measured in the same run (sorting the same pool's ψ values), so the figure is a
/// ratio that means something on any machine.
struct BenchSelect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Proof selection + credit calls/s for pools of 16 and 10,000 candidates vs sorting the pool.",
        discussion: "Pools are drawn from a fixed seed under the devnet policy; each row runs for about --seconds.")

    @Option(help: "Seconds per measurement (default 0.5).")
    var seconds: Double = 0.5

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    struct Row {
        var pool: Int
        var selectPerSec: Double
        var baselinePerSec: Double
        var exhaustive: Bool
        var chosen: Int
    }

    func run() throws {
        guard seconds > 0, seconds <= 60 else { throw CLI.fail("--seconds", "a number in (0, 60]") }
        let selector = ProofSelector(policy: .devnet)
        var rows: [Row] = []
        for size in [16, 10_000] {
            let pool = Self.pool(size: size, seed: UInt64(size))
            var sink = 0
            var exhaustive = true
            var chosen = 0
            let sel = Self.rate(seconds) {
                let s = selector.select(pool, thetaMicro: 10_000_000)
                sink &+= Int(s.credit.total)
                exhaustive = exhaustive && s.exhaustive
                chosen = s.chosen.count
            }
            let values = pool.map(\.psiAdjMicro)
            let base = Self.rate(seconds) {
                var v = values
                v.sort()
                sink &+= Int(v[v.count / 2])
            }
            if sink == 42 { print("") }  // keep the work observable
            rows.append(Row(pool: size, selectPerSec: sel, baselinePerSec: base, exhaustive: exhaustive, chosen: chosen))
        }
        if json {
            CLI.printJSON(["bench": "select", "rows": .array(rows.map { r in
                ["pool": .int(Int64(r.pool)), "selectPerSec": .int(Int64(r.selectPerSec)),
                 "sortBaselinePerSec": .int(Int64(r.baselinePerSec)),
                 "microsPerSelect": .int(Int64(1e6 / r.selectPerSec)),
                 "ratioToBaseline": .string(String(format: "%.3f", r.selectPerSec / r.baselinePerSec)),
                 "exhaustive": .bool(r.exhaustive), "chosen": .int(Int64(r.chosen))]
            })])
        } else {
            print("pool      select+credit/s   µs/call   sort-baseline/s   ratio   chosen  exhaustive")
            for r in rows {
                print(String(format: "%-8d  %15.0f  %8.1f  %16.0f  %6.3f  %6d  %@", r.pool, r.selectPerSec, 1e6 / r.selectPerSec,
                             r.baselinePerSec, r.selectPerSec / r.baselinePerSec, r.chosen, r.exhaustive ? "yes" : "no"))
            }
        }
    }

    /// Calls per second of `body`, run repeatedly for about `seconds`.
    static func rate(_ seconds: Double, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        body()  // warm up
        var calls = 0
        let start = clock.now
        var elapsed: Duration = .zero
        while elapsed < .seconds(seconds) {
            body()
            calls += 1
            elapsed = clock.now - start
        }
        let s = elapsed.inSeconds
        return Double(calls) / s
    }

    /// A seeded pool: all five types, ψ up to 2 nats, sizes 100 B – 5 KB.
    static func pool(size: Int, seed: UInt64) -> [SelectionCandidate] {
        var rng = SplitMix64(seed: seed)
        func next() -> UInt64 { rng.next() }
        return (0..<size).map { _ in
            SelectionCandidate(type: ProofType.allCases[Int(next() % 5)], psiAdjMicro: Int64(next() % 2_000_001),
                               nullifier: (0..<4).flatMap { _ in withUnsafeBytes(of: next()) { Array($0) } },
                               sizeBytes: Int64(100 + next() % 4901))
        }
    }
}
