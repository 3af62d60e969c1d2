import ArgumentParser
import Foundation
import MiningCore

/// `simctl bench hashluck`: speed of the exact H(x) and X(t), next to a Double-precision
/// `−log` of the same inputs measured in the same run (the baseline; it is *not* exact, which is
/// why consensus pays for MPFR).
struct BenchHashLuck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hashluck",
        abstract: "Calls/s of exact H(x) (MPFR) and X(t), as ratios to a Double −log baseline.",
        discussion: "Prints one JSON object: hPerSec, xPerSec, doubleLogPerSec and the ratios."
    )

    @Option(help: "Number of H(x) evaluations (integer ≥ 1).")
    var count: Int = 200_000

    func run() throws {
        guard count >= 1 else { throw CLI.fail("--count", "expected an integer ≥ 1") }
        var rng = SystemRandomNumberGenerator()
        let xs: [[UInt8]] = (0..<1024).map { _ in (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) } }

        let ctx = HashLuckContext()
        var sink: Int64 = 0
        let h = measure {
            for i in 0..<count { sink &+= ctx.H(x: xs[i & 1023]) }
        }
        let base = measure {
            for i in 0..<count {
                let x = xs[i & 1023]
                var d = 0.0
                for b in x.prefix(8) { d = d * 256 + Double(b) }
                sink &+= MicroNat.roundHalfEven(-log((d + 1) / 18_446_744_073_709_551_616.0) * 1e6)
            }
        }
        let xCount = max(1, count / 20)
        let x = measure {
            for i in 0..<xCount { sink &+= Int64(ctx.X(t: Int64(1 + (i * 7919) % 60_000_000))?[0] ?? 0) }
        }
        let hRate = Double(count) / h, baseRate = Double(count) / base, xRate = Double(xCount) / x
        CLI.printJSON([
            "hPerSec": .int(Int64(hRate)),
            "xPerSec": .int(Int64(xRate)),
            "doubleLogPerSec": .int(Int64(baseRate)),
            "hToDoubleRatio": .double((hRate / baseRate * 1e4).rounded() / 1e4),
            "xToHRatio": .double((xRate / hRate * 1e4).rounded() / 1e4),
            "sink": .int(sink & 1),
        ])
    }

    private func measure(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
