/// Any of the toolkit's retarget rules, as one concrete value type.
///
/// A closed enum rather than an existential: the simulator steps it per block, and a `switch` over
/// four cases is cheaper than dynamic dispatch plus boxing an associated-type state. Code that knows
/// its rule statically can use the concrete rule types directly.
public enum AnyRetargetRule: RetargetRule, Hashable {
    case ema(EMARetarget)
    case window(WindowRetarget)
    case asert(ASERTv1)
    case fixed(FixedRetarget)

    public enum State: Sendable, Hashable {
        case ema(EMARetarget.State)
        case window(WindowRetarget.State)
        case asert(ASERTv1.State)
        case fixed(FixedRetarget.State)
    }

    /// The rule's canonical name in configuration (`rule = "asert-v1"`).
    public var name: String {
        switch self {
        case .ema: return "ema-v1"
        case .window: return "window"
        case .asert: return "asert-v1"
        case .fixed: return "fixed"
        }
    }

    public func initialState(theta0: Int64) -> State {
        switch self {
        case .ema(let r): return .ema(r.initialState(theta0: theta0))
        case .window(let r): return .window(r.initialState(theta0: theta0))
        case .asert(let r): return .asert(r.initialState(theta0: theta0))
        case .fixed(let r): return .fixed(r.initialState(theta0: theta0))
        }
    }

    /// Steps the state; a state made by a different rule is a programming error and traps.
    public func next(_ state: State, _ sample: RetargetSample) -> State {
        switch (self, state) {
        case (.ema(let r), .ema(let s)): return .ema(r.next(s, sample))
        case (.window(let r), .window(let s)): return .window(r.next(s, sample))
        case (.asert(let r), .asert(let s)): return .asert(r.next(s, sample))
        case (.fixed(let r), .fixed(let s)): return .fixed(r.next(s, sample))
        default: preconditionFailure("AnyRetargetRule.\(name) stepped with a state of another rule")
        }
    }

    public func theta(of state: State) -> Int64 {
        switch state {
        case .ema(let s): return s.theta
        case .window(let s): return s.theta
        case .asert(let s): return s
        case .fixed(let s): return s
        }
    }
}

extension AnyRetargetRule.State {
    /// Θ for the next block in this state, whatever the rule.
    public var theta: Int64 {
        switch self {
        case .ema(let s): return s.theta
        case .window(let s): return s.theta
        case .asert(let s): return s
        case .fixed(let s): return s
        }
    }
}
