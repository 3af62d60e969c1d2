import MiningCore

// SEAM: retarget. Stand-in until MiningCore's RetargetRule/RetargetRuleConfig land on main; then
// `ThetaController` wraps `AnyRetargetRule` + its `State` and this file's stand-in rule goes.

/// Θ for the next block, stepped once per main-chain block by the scenario's retarget rule.
struct ThetaController {
    private var rule: StandInRetarget
    private(set) var theta: Int64

    init(table: [String: JSONValue], theta0: Int64) {
        rule = StandInRetarget(table: table, theta0: theta0)
        theta = theta0
    }

    /// Steps the rule with one block interval (seconds) and returns the new Θ.
    @inline(__always)
    mutating func onBlock(dt: Double) -> Int64 {
        theta = rule.next(dt: dt)
        return theta
    }
}

enum RetargetBridge {
    static func validate(table: [String: JSONValue], ctx: ReadContext) throws(ScenarioError) {
        let rule: String
        if case .string(let r)? = table["rule"] { rule = r } else if table["rule"] == nil { rule = "ema" } else {
            throw ctx.error(["chain", "retarget", "rule"], "a string")
        }
        let names = ["ema", "window", "asert", "fixed"]
        guard names.contains(rule) else {
            let hint = Suggest.closest(rule, in: names).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ctx.error(["chain", "retarget", "rule"], "one of \"ema\", \"window\", \"asert\", \"fixed\", found \"\(rule)\"\(hint)")
        }
        guard rule == "ema" || rule == "fixed" else {
            throw ctx.error(["chain", "retarget", "rule"], "\"ema\" or \"fixed\" (the \(rule) rule is not in MiningCore yet)")
        }
        let allowed = rule == "ema" ? ["rule", "T", "halfLife", "beta", "step", "thetaMin", "thetaMax"] : ["rule", "T"]
        for k in table.keys where !allowed.contains(k) {
            let hint = Suggest.closest(k, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw ctx.error(["chain", "retarget", k], "unknown key for rule \(rule)\(hint)")
        }
    }
}

/// Spec §6 EMA (and `fixed`) — placeholder only, replaced by MiningCore's rules on merge.
private struct StandInRetarget {
    let fixed: Bool
    let T, alpha, beta: Double
    let step, lo, hi: Int64
    var theta: Int64
    var ema = 0.0

    init(table: [String: JSONValue], theta0: Int64) {
        func num(_ k: String, _ d: Double) -> Double {
            switch table[k] { case .int(let i)?: return Double(i); case .double(let x)?: return x; default: return d }
        }
        fixed = { if case .string("fixed")? = table["rule"] { return true }; return false }()
        T = num("T", 2)
        alpha = 1 - Foundation_exp(-Foundation_log(2) / num("halfLife", 24))
        beta = num("beta", 0.75)
        step = Int64(num("step", 400_000))
        lo = Int64(num("thetaMin", 1_000_000))
        hi = Int64(num("thetaMax", 12_000_000))
        theta = theta0
    }

    mutating func next(dt: Double) -> Int64 {
        if fixed || !(dt > 0) || !dt.isFinite { return theta }
        let r = Foundation_log(dt / max(1e-9, T))
        let e = (1 - alpha) * ema + alpha * r
        let target = Int64(((Double(theta) / 1e6 - beta * e) * 1e6).rounded(.toNearestOrEven))
        let delta = min(max(target - theta, -step), step)
        theta = min(max(theta + delta, lo), hi)
        ema = e
        return theta
    }
}
