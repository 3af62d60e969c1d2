import Foundation
import MiningCore
import Synchronization

/// Matches JSON-RPC replies to the requests that await them (ids are integers this client
/// chose). Replies with an id nobody waits for (e.g. `null` after a malformed line) queue up as
/// strays for ``nextStray()``.
final class RPCCorrelator: Sendable {
    private struct State {
        var nextId: Int64 = 1
        var pending: [Int64: CheckedContinuation<RPCReply, any Error>] = [:]
        var strays: [RPCReply] = []
        var early: [Int64: RPCReply] = [:]
        var strayWaiters: [CheckedContinuation<RPCReply, any Error>] = []
        var closed = false
    }
    private let state = Mutex(State())

    func makeId() -> Int64 { state.withLock { s in defer { s.nextId += 1 }; return s.nextId } }

    /// Sends a request with a fresh id (`send` writes it) and awaits its reply. A reply that
    /// arrives before the waiter registers is kept until it does.
    func call(send: (Int64) async throws -> Void) async throws -> RPCReply {
        let id = makeId()
        try await send(id)
        return try await withCheckedThrowingContinuation { (c: CheckedContinuation<RPCReply, any Error>) in
            let ready: Result<RPCReply, any Error>? = state.withLock { s in
                if let r = s.early.removeValue(forKey: id) { return .success(r) }
                if s.closed { return .failure(ExternalWorkError.connectionClosed) }
                s.pending[id] = c
                return nil
            }
            if let ready { c.resume(with: ready) }
        }
    }

    func nextStray() async throws -> RPCReply {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<RPCReply, any Error>) in
            let action: Result<RPCReply, any Error>? = state.withLock { s in
                if !s.strays.isEmpty { return .success(s.strays.removeFirst()) }
                if s.closed { return .failure(ExternalWorkError.connectionClosed) }
                s.strayWaiters.append(c)
                return nil
            }
            if let action { c.resume(with: action) }
        }
    }

    /// Delivers a reply.
    func deliver(_ reply: RPCReply) {
        let waiter: CheckedContinuation<RPCReply, any Error>? = state.withLock { s in
            if case .int(let id) = reply.id, id > 0, id < s.nextId {
                if let c = s.pending.removeValue(forKey: id) { return c }
                if s.early.count < 1024 { s.early[id] = reply }
                return nil
            }
            if !s.strayWaiters.isEmpty { return s.strayWaiters.removeFirst() }
            if s.strays.count < 64 { s.strays.append(reply) }
            return nil
        }
        waiter?.resume(returning: reply)
    }

    /// Fails every waiter (the connection ended).
    func close() {
        let waiters: [CheckedContinuation<RPCReply, any Error>] = state.withLock { s in
            s.closed = true
            defer { s.pending.removeAll(); s.strayWaiters.removeAll() }
            return Array(s.pending.values) + s.strayWaiters
        }
        for w in waiters { w.resume(throwing: ExternalWorkError.connectionClosed) }
    }

    /// Parses a reply object (`id` plus `result` or `error`); `nil` when `v` is not one.
    static func reply(from o: [String: JSONValue]) -> RPCReply? {
        guard o["method"] == nil else { return nil }
        let error = RPCErrorObject(o["error"])
        let result = o["result"].flatMap { $0 == .null && error != nil ? nil : $0 }
        return RPCReply(id: o["id"] ?? .null, result: result, error: error)
    }
}
