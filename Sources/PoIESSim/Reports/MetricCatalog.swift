import Foundation
import MiningCore

/// People's names and units of the `summary.json` fields (and so of the `runs.csv` /
/// `aggregate.csv` / `compare.csv` metric columns), for the run and sweep reports and the
/// notebooks. docs/METRICS.md gives each one's formula; a field added to `Summary` gets its line
/// here and there.
public enum MetricCatalog {
    public struct Entry: Sendable, Equatable {
        /// What a person calls it ("mean block interval").
        public var label: String
        /// "s", "share of blocks", … ("" for a pure number).
        public var unit: String
    }

    static let fixed: [String: Entry] = [
        "scenario": .init(label: "scenario", unit: ""),
        "seed": .init(label: "seed", unit: ""),
        "replications": .init(label: "replications", unit: ""),
        "description": .init(label: "what the scenario asks", unit: ""),
        "warmupBlocks": .init(label: "warm-up blocks per replication (not counted)", unit: "blocks"),
        "thetaMinNats": .init(label: "lower bound of Θ", unit: "nats"),
        "thetaMaxNats": .init(label: "upper bound of Θ", unit: "nats"),
        "blocks": .init(label: "main-chain blocks counted (after warm-up)", unit: "blocks"),
        "meanInterval": .init(label: "mean block interval", unit: "s"),
        "sdInterval": .init(label: "sd of block intervals", unit: "s"),
        "medianInterval": .init(label: "median block interval", unit: "s"),
        "geoMeanInterval": .init(label: "geometric mean block interval", unit: "s"),
        "p95Interval": .init(label: "95th percentile block interval", unit: "s"),
        "maxInterval": .init(label: "longest block interval", unit: "s"),
        "targetInterval": .init(label: "target block interval", unit: "s"),
        "bias": .init(label: "bias of the mean interval (mean / target − 1)", unit: "fraction"),
        "orphanRate": .init(label: "orphan rate", unit: "share of found blocks"),
        "giniBlocks": .init(label: "Gini of blocks per individual miner (inequality, not unfairness)", unit: "0…1"),
        "maxShareDeviation": .init(label: "largest |block share − hash share| over groups", unit: "share"),
        "shareAbove6xTarget": .init(label: "intervals longer than 6 × target", unit: "share of intervals"),
        "thetaAtMinShare": .init(label: "blocks mined with Θ at the lower bound", unit: "share of blocks"),
        "thetaAtMaxShare": .init(label: "blocks mined with Θ at the upper bound", unit: "share of blocks"),
        "steadyLossVsGreedy": .init(label: "steady miners' loss per hash against greedy miners", unit: "fraction"),
        "proofsProduced": .init(label: "useful proofs produced", unit: "proofs"),
        "proofsRejected": .init(label: "useful proofs rejected", unit: "proofs"),
        "proofsAttached": .init(label: "useful proofs attached to blocks", unit: "proofs"),
        "maxCreditedMicro": .init(label: "largest credited Σψ in one block", unit: "µ-nats"),
        "proofSpend": .init(label: "paid for proofs, all groups", unit: "block rewards"),
        "marketProofsBought": .init(label: "market proofs bought", unit: "proofs"),
    ]

    static let groupFields: [String: (String, String)] = [
        "hashShare": ("hash share of", "share of work"),
        "blockShare": ("block share of", "share of blocks"),
        "shareDeviation": ("block share − hash share of", "share"),
        "reward": ("block rewards of", "block rewards"),
        "netReward": ("rewards − proof spend of", "block rewards"),
    ]

    /// The entry for a flattened field name; unknown names are their own label.
    public static func entry(_ name: String) -> Entry {
        if let e = fixed[name] { return e }
        if name.hasPrefix("psiShareByType.") {
            return .init(label: "credited ψ of type \(name.dropFirst("psiShareByType.".count))", unit: "share of credited ψ")
        }
        if let (group, field) = groupParts(name), let (label, unit) = groupFields[field] {
            return .init(label: "\(label) \(group)", unit: unit)
        }
        return .init(label: name, unit: "")
    }

    /// `group.<name>.<field>` → (name, field); the group name may itself hold dots.
    public static func groupParts(_ name: String) -> (group: String, field: String)? {
        guard name.hasPrefix("group."), let dot = name.lastIndex(of: "."), dot > name.index(name.startIndex, offsetBy: 5) else { return nil }
        let group = String(name[name.index(name.startIndex, offsetBy: 6)..<dot])
        return group.isEmpty ? nil : (group, String(name[name.index(after: dot)...]))
    }

    /// "mean block interval (s)".
    public static func title(_ name: String) -> String {
        let e = entry(name)
        return e.unit.isEmpty ? e.label : "\(e.label) (\(e.unit))"
    }

    /// The sweep report's default metrics among `available` (the numeric columns of a sweep):
    /// mean and sd of the interval, each group's block-share deviation, the steady-vs-greedy loss,
    /// and the ψ share of each proof type that is credited anywhere (`nonZero`).
    public static func sweepDefaults(available: [String], nonZero: Set<String>) -> [String] {
        var out: [String] = []
        for m in ["meanInterval", "sdInterval"] where available.contains(m) { out.append(m) }
        out += available.filter { groupParts($0)?.field == "shareDeviation" }
        if available.contains("steadyLossVsGreedy") { out.append("steadyLossVsGreedy") }
        out += available.filter { $0.hasPrefix("psiShareByType.") && nonZero.contains($0) }
        return out
    }
}
