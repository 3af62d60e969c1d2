import MiningCore

/// Work received from another node (over Stratum or WebSocket getwork), ready to scan.
public struct ExternalJob: Sendable, Equatable {
    public var jobId: String
    public var template: HeaderTemplate
    /// The share threshold in force for this job (µ-nats).
    public var tShareMicro: Int64
    public var cleanJobs: Bool
    /// The first 4 nonce bytes, assigned by the server.
    public var extranonce1: UInt32
    /// The `proofs` hint of `mining.notify`: the proof types the node attaches, or on the
    /// session's own job the nullifiers of its own proofs in it (empty over WebSocket).
    public var proofHints: [String]

    public init(jobId: String, template: HeaderTemplate, tShareMicro: Int64, cleanJobs: Bool, extranonce1: UInt32,
                proofHints: [String] = []) {
        self.jobId = jobId; self.template = template; self.tShareMicro = tShareMicro
        self.cleanJobs = cleanJobs; self.extranonce1 = extranonce1; self.proofHints = proofHints
    }
}

/// What happened to a submitted share, as the remote node answered.
public enum ShareVerdict: Sendable, Equatable {
    case accepted(isBlock: Bool)
    case rejected(code: Int, message: String)
}

/// What happened to a submitted proof (spec v1.1 §9), as the remote node answered.
public enum ProofVerdict: Sendable, Equatable {
    /// Held for this session's jobs; `psiRawMicro` is its ψ before caps.
    case held(psiRawMicro: Int64)
    /// 27 (with the verifier's reason in `message`), 22 (nullifier taken) or 26.
    case refused(code: Int, message: String)

    init(reply r: RPCReply) {
        if let e = r.error {
            self = .refused(code: e.code, message: e.message)
        } else if case .int(let psi)? = r.result?["psiRawMicro"] {
            self = .held(psiRawMicro: psi)
        } else {
            self = .refused(code: 20, message: "reply without psiRawMicro")
        }
    }
}

/// A JSON-RPC reply as a client sees it.
public struct RPCReply: Sendable, Equatable {
    public var id: JSONValue
    public var result: JSONValue?
    public var error: RPCErrorObject?
}

public struct RPCErrorObject: Sendable, Equatable, Error, CustomStringConvertible {
    public var code: Int
    public var message: String
    public init(code: Int, message: String) { self.code = code; self.message = message }
    public var description: String { "\(code): \(message)" }

    init?(_ v: JSONValue?) {
        guard case .object(let o)? = v, case .int(let c)? = o["code"] else { return nil }
        var m = ""
        if case .string(let s)? = o["message"] { m = s }
        self.init(code: Int(c), message: m)
    }
}

/// Errors of the external-work clients.
public enum ExternalWorkError: Error, Equatable, CustomStringConvertible {
    case badURL(String)
    case connectionClosed
    case protocolError(String)
    case remote(RPCErrorObject)

    public var description: String {
        switch self {
        case .badURL(let u): return "--connect: expected stratum+tcp://HOST:PORT or ws://HOST:PORT/PATH, got \"\(u)\""
        case .connectionClosed: return "the remote node closed the connection"
        case .protocolError(let m): return "unexpected message from the remote node: \(m)"
        case .remote(let e): return "the remote node answered error \(e)"
        }
    }
}
