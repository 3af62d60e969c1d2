/// A token bucket: `capacity` tokens, refilled at `refillPerSecond`; each message takes one.
/// Pure (time is passed in) so rate limits are testable without sleeping.
public struct TokenBucket: Sendable, Equatable {
    public var capacity: Double
    public var refillPerSecond: Double
    public private(set) var tokens: Double
    private var last: ContinuousClock.Instant?

    public init(capacity: Double, refillPerSecond: Double) {
        self.capacity = max(1, capacity)
        self.refillPerSecond = max(0, refillPerSecond)
        self.tokens = self.capacity
    }

    /// Whether a token is there (refilling first), without taking it.
    public mutating func hasToken(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        return tokens >= 1
    }

    /// Takes one token if there is one.
    public mutating func take(now: ContinuousClock.Instant) -> Bool {
        refill(now: now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        if let last, now > last {
            let (s, atto) = (now - last).components
            let elapsed = Double(s) + Double(atto) * 1e-18
            tokens = min(capacity, tokens + elapsed * refillPerSecond)
        }
        if last == nil || now > last! { last = now }
    }
}
