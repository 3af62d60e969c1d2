import ArgumentParser
import Foundation
import MiningCore

/// `simctl inspect retarget`: Θ after each block interval under one retarget rule.
struct InspectRetarget: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retarget",
        abstract: "Steps a Θ retarget rule over block intervals; prints {\"thetas\": [Θ after each interval]}.",
        discussion: """
            --intervals is a JSON array (- reads stdin) in one of two forms:

            Chain intervals [{"dtMs": n}, …]: signed integer milliseconds time(h) − time(h−1) of \
            blocks 1, 2, 3, … as a node sees them. Block 1's interval (to the fixed genesis time) is \
            no sample (spec §6.2), so thetas[0] — Θ of block 2 — is Θ₀ as the rule starts it \
            (clamped by asert-v1), and thetas[k] is Θ of block k+2.

            Research samples [{"dt": seconds, "skipped": n}, …] ("skipped" optional, default 1, ≥ 0; \
            dt may be zero or negative — the rule decides what such a sample means): every sample \
            steps the rule and thetas[k] is Θ after sample k.

            --rule picks asert-v1 (devnet consensus, spec §6.2; alias asert), ema-v1 (§6.1; alias \
            ema), window (Bitcoin-style) or fixed; default ema-v1. --params is a TOML file of that \
            rule's keys (a [chain.retarget] table's contents), e.g. targetBlockMs = 2000, \
            halfLifeMs = 48000, thetaMinMicro = 1000000, thetaMaxMicro = 64000000 for asert-v1, or \
            T = 2.0, halfLife = 24, beta = 0.75, step = 400000, thetaMin = 1000000, thetaMax = 64000000 \
            for ema-v1; missing keys take the devnet defaults, unknown keys are rejected. A "rule" key \
            in the file is used when --rule is absent and must agree with it otherwise.
            """
    )

    @Option(name: .customLong("theta0"), parsing: .unconditional, help: "Θ before the first interval, µ-nats (integer ≥ 0).")
    var theta0: String?

    @Option(name: .customLong("intervals"), parsing: .unconditional, help: "JSON file of intervals (- for stdin).")
    var intervals: String?

    @Option(name: .customLong("rule"), parsing: .unconditional, help: "asert-v1 | ema-v1 | window | fixed (default ema-v1; asert and ema are aliases).")
    var rule: String?

    @Option(name: .customLong("params"), parsing: .unconditional, help: "TOML file of the rule's parameters.")
    var params: String?

    func run() throws {
        guard let theta0 else { throw CLI.fail("--theta0", "missing; expected an integer ≥ 0") }
        guard let t0 = Int64(theta0), t0 >= 0 else {
            throw CLI.fail("--theta0", "expected an integer ≥ 0, got '\(theta0.prefix(80))'")
        }
        guard let intervals else { throw CLI.fail("--intervals", "missing; expected a JSON file path") }
        let (samples, chainIntervals) = try Self.samples(CLI.readFile(intervals, field: "--intervals"))
        let config = try Self.config(rule: rule, paramsPath: params)
        let retarget: AnyRetargetRule
        do { retarget = try config.makeRule() } catch { throw CLI.fail("--params", error.description) }
        let thetas: [Int64]
        if chainIntervals, !samples.isEmpty {
            // Block 1's interval is skipped: Θ(2) = Θ(1), then each later interval steps the rule.
            let start = retarget.initialState(theta0: t0)
            thetas = [retarget.theta(of: start)] + retarget.thetas(theta0: t0, samples: samples.dropFirst())
        } else {
            thetas = retarget.thetas(theta0: t0, samples: samples)
        }
        CLI.printJSON(["thetas": .array(thetas.map { .int($0) })])
    }

    /// The rule configuration from `--rule` and the `--params` TOML.
    static func config(rule: String?, paramsPath: String?) throws -> RetargetRuleConfig {
        if let rule, !RetargetRuleConfig.ruleNames.contains(rule) {
            throw CLI.fail("--rule", "expected one of \(RetargetRuleConfig.ruleNames.joined(separator: ", ")), got '\(rule.prefix(80))'")
        }
        var table: [String: JSONValue] = [:]
        if let paramsPath {
            let data = try CLI.readFile(paramsPath, field: "--params")
            guard let text = String(data: data, encoding: .utf8) else { throw CLI.fail("--params", "expected UTF-8 TOML text") }
            do { table = try RetargetRuleConfig.flatTable(toml: text) } catch {
                throw CLI.fail("--params", error.description)
            }
        }
        if let rule, let fileRule = table["rule"], fileRule != .string(rule) {
            throw CLI.fail("--params", "rule = \(fileRule.canonical) conflicts with --rule \(rule)")
        }
        if let rule { table["rule"] = .string(rule) }
        do { return try RetargetRuleConfig(table: table) } catch { throw CLI.fail("--params", error.description) }
    }

    /// Parses the intervals file: a JSON array of `{"dtMs": integer}` (chain intervals; the
    /// flag in the result is true) or of `{"dt": number, "skipped": integer ≥ 0}`, not mixed.
    static func samples(_ data: Data) throws -> ([RetargetSample], chainIntervals: Bool) {
        let value: JSONValue
        do { value = try StrictJSON.parse(Array(data)) } catch {
            throw CLI.fail("--intervals", "expected a JSON array of {\"dtMs\": n} or {\"dt\": seconds, \"skipped\": n}; invalid JSON at \(error)")
        }
        guard case .array(let items) = value else {
            throw CLI.fail("--intervals", "expected a JSON array of {\"dtMs\": n} or {\"dt\": seconds, \"skipped\": n}")
        }
        var chain: Bool?
        let samples = try items.enumerated().map { i, item in
            let field = "intervals[\(i)]"
            guard case .object(let o) = item else { throw CLI.fail(field, "expected an object {\"dtMs\": n} or {\"dt\": seconds, \"skipped\": n}") }
            let isChain = o["dtMs"] != nil
            if let c = chain, c != isChain {
                throw CLI.fail(field, "expected \(c ? "{\"dtMs\": n}" : "{\"dt\": seconds}") like intervals[0]; do not mix dtMs and dt")
            }
            chain = isChain
            if isChain {
                if let k = JSONValue.sortedKeys(o).first(where: { $0 != "dtMs" }) {
                    throw CLI.fail("\(field).\(k)", "unknown key; a chain interval has only dtMs")
                }
                guard case .int(let ms)? = o["dtMs"] else { throw CLI.fail("\(field).dtMs", "expected a signed integer number of milliseconds") }
                return RetargetSample(dtMs: ms)
            }
            if let k = JSONValue.sortedKeys(o).first(where: { $0 != "dt" && $0 != "skipped" }) {
                throw CLI.fail("\(field).\(k)", "unknown key; expected only dt and skipped (or dtMs alone)")
            }
            let dt: Double
            switch o["dt"] {
            case .int(let v)?: dt = Double(v)
            case .double(let v)?: dt = v
            case nil: throw CLI.fail("\(field).dt", "missing; expected a number of seconds")
            default: throw CLI.fail("\(field).dt", "expected a number of seconds")
            }
            var skipped = 1
            switch o["skipped"] {
            case nil: break
            case .int(let v)? where v >= 0 && v <= Int64(Int32.max): skipped = Int(v)
            default: throw CLI.fail("\(field).skipped", "expected an integer in [0, 2147483647]")
            }
            return RetargetSample(dt: dt, skipped: skipped)
        }
        return (samples, chain ?? false)
    }
}
