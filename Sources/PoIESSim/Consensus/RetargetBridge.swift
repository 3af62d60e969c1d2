import MiningCore

/// Θ for the next block, stepped once per main-chain block by the scenario's retarget rule —
/// MiningCore's `RetargetRuleConfig` / `AnyRetargetRule`, the same code the node runs.
struct ThetaController {
    let rule: AnyRetargetRule
    var state: AnyRetargetRule.State
    private(set) var theta: Int64

    /// `table` was validated by `RetargetBridge.validate` when the scenario was loaded.
    init(table: [String: JSONValue], theta0: Int64) {
        rule = try! RetargetRuleConfig(table: table).makeRule()
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

enum RetargetBridge {
    /// Validates `[chain.retarget]` with MiningCore's reader, mapping its error onto the key path.
    static func validate(table: [String: JSONValue], ctx: ReadContext) throws(ScenarioError) {
        do {
            _ = try RetargetRuleConfig(table: table).makeRule()
        } catch {
            switch error {
            case .unknownKey(let k):
                var allowed = ["rule"]
                if let cfg = try? RetargetRuleConfig(table: table.filter { $0.key == "rule" }) {
                    allowed += Self.parameterNames(cfg.ruleName)
                }
                let hint = Suggest.closest(k, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ctx.error(["chain", "retarget", k], "unknown key\(hint); allowed: \(allowed.joined(separator: ", "))")
            case .unknownRule(let r):
                let hint = Suggest.closest(r, in: RetargetRuleConfig.ruleNames).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ctx.error(["chain", "retarget", "rule"], "one of \(RetargetRuleConfig.ruleNames.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(r)\"\(hint)")
            case .invalid(let k, let e):
                throw ctx.error(["chain", "retarget", k], e)
            case .malformed(let m):
                throw ctx.error(["chain", "retarget"], m)
            }
        }
    }

    static func parameterNames(_ rule: String) -> [String] {
        switch rule {
        case "ema": return ["T", "halfLife", "beta", "step", "thetaMin", "thetaMax"]
        case "window": return ["T", "window", "maxFactor", "thetaMin", "thetaMax"]
        case "asert": return ["T", "halfLife", "thetaMin", "thetaMax"]
        default: return []
        }
    }
}
