/// Θ never changes: the research baseline that shows what the other rules correct for.
public struct FixedRetarget: RetargetRule, Hashable {
    public typealias State = Int64

    public init() {}

    public func initialState(theta0: Int64) -> Int64 { theta0 }
    public func next(_ state: Int64, _ sample: RetargetSample) -> Int64 { state }
    public func theta(of state: Int64) -> Int64 { state }
}
