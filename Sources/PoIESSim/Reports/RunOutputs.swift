import Foundation
import MiningCore

/// The file names and columns of a `simctl run --out DIR` folder, as issue 5 fixes them. The
/// report, the notebook export and the sweep aggregation read only these names, so a change of
/// format is a change here (and in the notebook's code cells, which name the same columns).
public enum RunOutputs {
    public static let blocksFile = "blocks.csv"
    public static let minersFile = "miners.csv"
    public static let summaryFile = "summary.json"
    public static let reportFile = "report.html"
    public static let notebookFile = "analysis.ipynb"

    public enum Blocks {
        public static let replication = "replication"
        public static let height = "height"
        public static let time = "time_s"
        public static let miner = "miner"
        public static let theta = "theta_micro"
        public static let h = "h_micro"
        public static let psiCredited = "psi_credited_micro"
        public static let interval = "interval_s"
        public static let orphaned = "orphaned"
        /// `psi_credited_micro_AI`, … — one per proof type.
        public static func psiCredited(_ t: ProofType) -> String { "\(psiCredited)_\(t.policyName)" }
        /// The simulator's alternative spelling `psi_ai_micro` (accepted on input).
        public static func psiMicro(_ t: ProofType) -> String { "psi_\(t.nullifierName)_micro" }
        /// Column names accepted for type `t`'s credited ψ, preferred first.
        public static func psiColumnNames(_ t: ProofType) -> [String] { [psiCredited(t), psiMicro(t)] }
        /// Every column in file order.
        public static var all: [String] {
            [replication, height, time, miner, theta, h, psiCredited]
                + ProofType.allCases.map(psiCredited(_:)) + [interval, orphaned]
        }
    }

    public enum Miners {
        public static let replication = "replication"
        public static let miner = "miner"
        public static let hashrateShare = "hashrate_share"
        public static let usefulShare = "useful_share"
        public static let blocks = "blocks"
        public static let blockShare = "block_share"
        public static let orphans = "orphans"
        public static let reward = "reward"
        public static let proofSpend = "proof_spend"
        public static let netReward = "net_reward"
        public static let marketProofs = "market_proofs"
        public static var all: [String] {
            [replication, miner, hashrateShare, usefulShare, blocks, blockShare, orphans, reward, proofSpend, netReward, marketProofs]
        }
    }
}

/// Why a run folder could not be reported on, with what the user can do about it.
public enum RunOutputsError: Error, Equatable, CustomStringConvertible {
    case missingFile(String)
    case missingColumn(file: String, column: String)
    case badValue(file: String, line: Int, column: String, value: String)
    case badSummary(String)
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .missingFile(let p): return "file '\(p)' does not exist (run `simctl run … --out DIR` first)"
        case .missingColumn(let f, let c): return "\(f) has no column '\(c)'"
        case .badValue(let f, let l, let c, let v): return "\(f) line \(l), column '\(c)': expected a number, got '\(v)'"
        case .badSummary(let why): return "summary.json: \(why)"
        case .cannotWrite(let p): return "cannot write '\(p)'"
        }
    }
}

/// `summary.json` of one run, flattened to `name → value` with nested objects joined by dots
/// (`psiShareByType.AI`), in canonical (code point) key order.
public struct RunSummary: Sendable, Equatable {
    public var fields: [(name: String, value: JSONValue)]

    public static func == (a: Self, b: Self) -> Bool {
        a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public init(json: JSONValue) throws(RunOutputsError) {
        guard case .object = json else { throw .badSummary("expected a JSON object at the top level") }
        var out: [(String, JSONValue)] = []
        Self.flatten(json, prefix: "", into: &out)
        fields = out
    }

    public init(contentsOf url: URL) throws(RunOutputsError) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missingFile(url.path) }
        let json: JSONValue
        do { json = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw .badSummary("not valid JSON (\(url.path))")
        }
        try self.init(json: json)
    }

    static func flatten(_ v: JSONValue, prefix: String, into out: inout [(String, JSONValue)]) {
        if case .object(let o) = v {
            for k in JSONValue.sortedKeys(o) {
                flatten(o[k]!, prefix: prefix.isEmpty ? k : prefix + "." + k, into: &out)
            }
        } else {
            out.append((prefix, v))
        }
    }

    public subscript(name: String) -> JSONValue? { fields.first { $0.name == name }?.value }

    /// A numeric field as a Double (ints and doubles), nil otherwise.
    public func number(_ name: String) -> Double? { self[name].flatMap(Self.number(of:)) }

    public static func number(of v: JSONValue) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// A value as a CSV cell: integers exactly, doubles in shortest round-trip form, strings as is,
    /// null and non-finite numbers empty.
    public static func cell(_ v: JSONValue) -> String {
        switch v {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return NumberFormat.cell(d)
        case .string(let s): return s
        case .array, .object: return v.canonical
        }
    }
}

/// Number formatting shared by the CSV writers and the report.
public enum NumberFormat {
    /// Shortest round-trip text; empty for NaN and infinities (pandas reads empty cells as NaN).
    public static func cell(_ d: Double) -> String {
        guard d.isFinite else { return "" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }

    /// A human-readable number with about `digits` significant digits (for tables and ticks).
    public static func short(_ d: Double, digits: Int = 4) -> String {
        guard d.isFinite else { return d.isNaN ? "–" : (d > 0 ? "∞" : "−∞") }
        if d == 0 { return "0" }
        let a = abs(d)
        if a >= 1e6 || a < 1e-3 {
            return String(format: "%.\(max(digits - 1, 0))e", d)
        }
        let intDigits = a >= 1 ? Int(log10(a).rounded(.down)) + 1 : 0
        let decimals = max(0, digits - intDigits)
        var s = String(format: "%.\(decimals)f", d)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }
}
