import Foundation

/// Whether a run's Θ sat on a bound of its retarget rule often enough to taint the results.
///
/// A clamped rule does not retarget: while Θ is pinned at Θmax the block rate simply follows the
/// hash rate, so mean interval, bias and the fairness figures then describe the clamp, not the
/// rule. (v1 capped Θ at 12 nats, and several research scenarios sat there unnoticed.) Above
/// `threshold` of the blocks `simctl run` prints a warning on stderr and `report.html` a note.
public enum ThetaBoundCheck {
    /// 1% of the blocks.
    public static let threshold = 0.01

    /// One warning per bound whose share exceeds `threshold`. `bounds` (µ-nats) puts the bound's
    /// value into the message when known.
    public static func warnings(atMinShare: Double, atMaxShare: Double, bounds: ClosedRange<Int64>?) -> [String] {
        var out: [String] = []
        if atMaxShare > threshold {
            out.append("Θ sat at its upper bound\(bounds.map { " " + nats($0.upperBound) } ?? "") in \(percent(atMaxShare)) of blocks; "
                + "results carry a clamp artefact — raise thetaMaxMicro or lower the hash rate")
        }
        if atMinShare > threshold {
            out.append("Θ sat at its lower bound\(bounds.map { " " + nats($0.lowerBound) } ?? "") in \(percent(atMinShare)) of blocks; "
                + "results carry a clamp artefact — lower thetaMinMicro or raise the hash rate")
        }
        return out
    }

    /// The warnings for a finished run of `scenario`.
    public static func warnings(_ s: Summary, scenario: Scenario) -> [String] {
        warnings(atMinShare: s.thetaAtMinShare, atMaxShare: s.thetaAtMaxShare, bounds: scenario.chain.thetaBounds)
    }

    /// `64000000` → "64 nats", `1000000` → "1 nat", `12500000` → "12.5 nats".
    static func nats(_ micro: Int64) -> String {
        let n = Double(micro) / 1e6
        let text = n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(format: "%g", n)
        return text + (n == 1 ? " nat" : " nats")
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
}
