import Synchronization

/// Per-address state every transport shares (Stratum and WebSocket getwork use the same
/// registry in `simctl mine`): live connections against a cap, sessions closed for abuse, and
/// bans (docs/decisions/devnet-stratum.md, "Abuse").
///
/// One offence closes only the offending session: many honest miners share an address (a farm
/// behind NAT, two miners on one host) and their sessions keep working. An address with
/// ``Configuration/offencesBeforeBan`` offences within ``Configuration/banDuration`` — on any
/// transport — is refused new connections for ``Configuration/banDuration``; its live sessions
/// are never cut.
public final class PeerRegistry: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Live connections one address may hold.
        public var maxConnectionsPerAddress: Int
        public var offencesBeforeBan: Int
        public var banDuration: Duration

        public init(maxConnectionsPerAddress: Int = 256, offencesBeforeBan: Int = 3, banDuration: Duration = .seconds(600)) {
            self.maxConnectionsPerAddress = max(1, maxConnectionsPerAddress)
            self.offencesBeforeBan = max(1, offencesBeforeBan)
            self.banDuration = banDuration
        }
    }

    /// Why a connection was refused or closed by the abuse policy (the `reason` of
    /// `animica_stratum_connections_refused_total` and `animica_getwork_connections_refused_total`).
    public enum Refusal: String, CaseIterable, Sendable {
        case banned
        case perAddressCap = "per_address_cap"
        case handshakeTimeout = "handshake_timeout"
        case closedForAbuse = "closed_for_abuse"
    }

    /// What an offence led to.
    public enum Verdict: Sendable, Equatable {
        /// The session is closed; the address may connect again.
        case closed(offences: Int)
        /// The address is refused new connections until the ban ends.
        case banned(offences: Int)
    }

    private struct State {
        var live: [String: Int] = [:]
        var offences: [String: (count: Int, since: ContinuousClock.Instant)] = [:]
        var bans: [String: ContinuousClock.Instant] = [:]
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(configuration: Configuration = .init()) { self.configuration = configuration }

    /// Why `address` would be refused now, without taking a slot (a WebSocket upgrade decision).
    public func check(_ address: String, now: ContinuousClock.Instant = .now) -> Refusal? {
        let cap = configuration.maxConnectionsPerAddress
        return state.withLock { s in
            if let until = s.bans[address], until > now { return .banned }
            return s.live[address, default: 0] < cap ? nil : .perAddressCap
        }
    }

    /// The one line a refused client is told.
    public func message(for refusal: Refusal) -> String {
        switch refusal {
        case .banned: "banned"
        case .perAddressCap: "too many connections from this address (at most \(configuration.maxConnectionsPerAddress))"
        case .handshakeTimeout: "handshake timeout"
        case .closedForAbuse: "closed for abuse"
        }
    }

    /// Takes a connection slot for `address`, or says why not.
    public func admit(_ address: String, now: ContinuousClock.Instant = .now) -> Refusal? {
        let cap = configuration.maxConnectionsPerAddress
        return state.withLock { s in
            if let until = s.bans[address] {
                if until > now { return .banned }
                s.bans[address] = nil
            }
            let n = s.live[address, default: 0]
            guard n < cap else { return .perAddressCap }
            s.live[address] = n + 1
            return nil
        }
    }

    /// Gives back a slot taken by ``admit(_:now:)``.
    public func release(_ address: String) {
        state.withLock { s in
            let n = s.live[address, default: 1] - 1
            s.live[address] = n > 0 ? n : nil
        }
    }

    /// A session of `address` was closed for abuse.
    public func offence(_ address: String, now: ContinuousClock.Instant = .now) -> Verdict {
        let window = configuration.banDuration, needed = configuration.offencesBeforeBan
        return state.withLock { s in
            // Bounded: forget expired entries once the maps grow large.
            if s.offences.count > 10_000 { s.offences = s.offences.filter { now - $0.value.since < window } }
            if s.bans.count > 10_000 { s.bans = s.bans.filter { $0.value > now } }
            var e = s.offences[address] ?? (0, now)
            if now - e.since >= window { e = (0, now) }
            e.count += 1
            s.offences[address] = e
            guard e.count >= needed else { return .closed(offences: e.count) }
            s.bans[address] = now + window
            return .banned(offences: e.count)
        }
    }

    /// Live connections of `address` (tests, metrics).
    public func liveConnections(_ address: String) -> Int { state.withLock { $0.live[address, default: 0] } }
}
