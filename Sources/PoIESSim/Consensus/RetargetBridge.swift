import MiningCore

/// Θ for the next block, stepped once per main-chain block by the scenario's retarget rule —
/// MiningCore's `AnyRetargetRule`, the same code the node runs.
///
/// Every block is a sample, the first included: the simulator's genesis is the moment mining
/// starts, so block 1's interval is a real one (the node skips it, spec §6.2, because a chain
/// document's genesis time lies in the past). `asert-v1` rounds the continuous `dt` to whole
/// milliseconds (`RetargetSample(dt:)`). See docs/decisions/chain-documents.md.
struct ThetaController {
    let rule: AnyRetargetRule
    var state: AnyRetargetRule.State
    private(set) var theta: Int64

    init(rule: AnyRetargetRule, theta0: Int64) {
        self.rule = rule
        state = rule.initialState(theta0: theta0)
        theta = rule.theta(of: state)
    }

    /// Steps the rule with one block interval (seconds) and returns the new Θ.
    @inline(__always)
    mutating func onBlock(dt: Double) -> Int64 {
        theta = rule.step(&state, RetargetSample(dt: dt))
        return theta
    }
}

/// `[chain.retarget]` through MiningCore's `RetargetRuleConfig` reader, with its errors mapped
/// onto the scenario's key paths.
enum RetargetBridge {
    /// The canonical name of the rule a table's `rule` value names (`ema-v1` when absent, as the
    /// reader defaults); `nil` for a name the reader rejects.
    static func canonicalRule(_ rule: JSONValue?) -> String? {
        (try? RetargetRuleConfig(table: rule.map { ["rule": $0] } ?? [:]))?.ruleName
    }

    /// Validates and builds the rule. `origin` names the scenario key a filled-in table key was
    /// copied from (`T` from `chain.targetBlockSeconds`), so an error about it names that key.
    static func config(table: [String: JSONValue], origin: [String: [String]] = [:],
                       ctx: ReadContext) throws(ScenarioError) -> (config: RetargetRuleConfig, rule: AnyRetargetRule) {
        func at(_ key: String) -> [String] { origin[key] ?? ["chain", "retarget", key] }
        do {
            let config = try RetargetRuleConfig(table: table)
            return (config, try config.makeRule())
        } catch {
            switch error {
            case .unknownKey(let k):
                var allowed = ["rule"]
                if let rule = canonicalRule(table["rule"]) { allowed += parameterNames(rule) }
                let hint = Suggest.closest(k, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ctx.error(at(k), "unknown key\(hint); allowed: \(allowed.joined(separator: ", "))")
            case .unknownRule(let r):
                let hint = Suggest.closest(r, in: RetargetRuleConfig.ruleNames).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ctx.error(at("rule"), "one of \(RetargetRuleConfig.ruleNames.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(r)\"\(hint)")
            case .invalid(let k, let e):
                throw ctx.error(at(k), e)
            case .malformed(let m):
                throw ctx.error(["chain", "retarget"], m)
            }
        }
    }

    /// The parameter keys of a rule (canonical name), for "allowed:" lists.
    static func parameterNames(_ rule: String) -> [String] {
        switch rule {
        case "ema-v1": return ["T", "halfLife", "beta", "step", "thetaMin", "thetaMax"]
        case "window": return ["T", "window", "maxFactor", "thetaMin", "thetaMax"]
        case "asert-v1": return ["targetBlockMs", "halfLifeMs", "thetaMinMicro", "thetaMaxMicro", "T", "halfLife", "thetaMin", "thetaMax"]
        default: return []
        }
    }
}
