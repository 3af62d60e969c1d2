extension RetargetRuleConfig {
    /// `[Θmin, Θmax]` (µ-nats) that the rule clamps every Θ into; `nil` for `fixed`, which never
    /// moves Θ and so has no bounds. The simulator reports how often Θ sat on either end: a rule
    /// pinned at a bound no longer retargets, and every interval statistic then measures the clamp.
    public var thetaBounds: ClosedRange<Int64>? {
        switch self {
        case .ema(let p): return p.thetaMin...max(p.thetaMin, p.thetaMax)
        case .window(let p): return p.thetaMin...max(p.thetaMin, p.thetaMax)
        case .asert(let p): return p.thetaMinMicro...max(p.thetaMinMicro, p.thetaMaxMicro)
        case .fixed: return nil
        }
    }
}
