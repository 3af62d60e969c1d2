/// One session's abuse score: the single policy that Stratum and WebSocket getwork sessions
/// share (docs/decisions/devnet-stratum.md, "Abuse").
///
/// - Only **invalid traffic** costs: malformed messages, unknown methods, bad parameters and
///   invalid shares take a token from the session's bucket (``charge(now:)``); accepted and
///   stale shares — volume the server's own difficulty caused — are free. Vardiff answers volume.
/// - An **empty bucket** answers 26 (rate limited) to every message; ``Configuration/closeAfterRateLimited``
///   such answers in a row close the session, so a flood is cut off rather than rate limited forever.
/// - **Invalid shares**: past ``Configuration/minJudgedShares`` judged shares, an invalid share
///   ratio above ``Configuration/maxInvalidRatio`` closes the session.
///
/// Closing is the session's whole penalty; whether its address is refused new connections is the
/// ``PeerRegistry``'s decision (only repeated offenders are). Pure: time is passed in.
public struct AbuseScore: Sendable, Equatable {
    public struct Configuration: Sendable, Equatable {
        public var bucketCapacity: Double
        public var bucketRefillPerSecond: Double
        public var closeAfterRateLimited: Int
        public var minJudgedShares: Int
        public var maxInvalidRatio: Double

        public init(bucketCapacity: Double = 200, bucketRefillPerSecond: Double = 100, closeAfterRateLimited: Int = 100,
                    minJudgedShares: Int = 50, maxInvalidRatio: Double = 0.5) {
            self.bucketCapacity = bucketCapacity
            self.bucketRefillPerSecond = bucketRefillPerSecond
            self.closeAfterRateLimited = max(1, closeAfterRateLimited)
            self.minJudgedShares = minJudgedShares
            self.maxInvalidRatio = maxInvalidRatio
        }
    }

    /// What to do with the next message.
    public enum Gate: Sendable, Equatable {
        /// Handle it.
        case pass
        /// Answer 26 and drop it.
        case limited
        /// Answer 26 and close the session.
        case close
    }

    public let configuration: Configuration
    private var bucket: TokenBucket
    /// Messages refused in a row by the empty bucket.
    private var limitedInARow = 0
    /// Shares judged / invalid (for the ratio; halved past 4× the minimum so it follows recent behaviour).
    public private(set) var judged = 0
    public private(set) var invalid = 0

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        bucket = TokenBucket(capacity: configuration.bucketCapacity, refillPerSecond: configuration.bucketRefillPerSecond)
    }

    /// Called before each message.
    public mutating func gate(now: ContinuousClock.Instant) -> Gate {
        guard bucket.hasToken(now: now) else {
            limitedInARow += 1
            return limitedInARow >= configuration.closeAfterRateLimited ? .close : .limited
        }
        limitedInARow = 0
        return .pass
    }

    /// The message was invalid traffic (or a handshake message, which Stratum also charges).
    public mutating func charge(now: ContinuousClock.Instant) { _ = bucket.take(now: now) }

    /// A share was judged; true when the session must now be closed.
    public mutating func judgedShare(valid: Bool, now: ContinuousClock.Instant) -> Bool {
        if !valid { charge(now: now) }
        judged += 1
        if !valid { invalid += 1 }
        let (window, overflow) = max(1, configuration.minJudgedShares).multipliedReportingOverflow(by: 4)
        if !overflow, judged >= window { judged /= 2; invalid /= 2 }
        return judged >= configuration.minJudgedShares && Double(invalid) / Double(judged) > configuration.maxInvalidRatio
    }
}
