import Foundation
import MiningCore

/// JSON-RPC error codes of spec §9 beyond the share rejections (``ShareRejection``).
public enum StratumErrorCode {
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
}

/// A client request the server understands (spec §9, Stratum).
public enum StratumRequest: Sendable, Equatable {
    case subscribe(userAgent: String)
    case authorize(worker: String, password: String)
    case submit(worker: String, jobId: String, extranonce2: UInt32, counter: UInt64)
    /// `mining.submit_proof [worker, envelope]` (spec v1.1 §9): a miner's own proof, decoded
    /// and verified by the node.
    case submitProof(worker: String, envelope: JSONValue)
}

/// One inbound line, parsed: a request with its id, or a JSON-RPC error to answer with.
public enum StratumInbound: Sendable, Equatable {
    case request(id: JSONValue, StratumRequest)
    case invalid(id: JSONValue, code: Int, message: String)

    /// Parses one line (without its newline). Never throws: every defect maps to an error reply
    /// (−32700 not JSON, −32600 not a request object, −32601 unknown method, −32602 bad params).
    public static func parse(_ line: some Collection<UInt8>) -> StratumInbound {
        let value: JSONValue
        do { value = try StrictJSON.parse(Array(line)) } catch {
            return .invalid(id: .null, code: StratumErrorCode.parseError,
                            message: "parse error: expected one JSON object per line (\(error.message) at byte \(error.offset))")
        }
        guard case .object(let o) = value else {
            return .invalid(id: .null, code: StratumErrorCode.invalidRequest, message: "invalid request: expected a JSON object")
        }
        let id = o["id"] ?? .null
        switch id {
        case .null, .int, .string: break
        default:
            return .invalid(id: .null, code: StratumErrorCode.invalidRequest, message: "invalid request: id must be a number, string or null")
        }
        if let v = o["jsonrpc"], v != .string("2.0") {
            return .invalid(id: id, code: StratumErrorCode.invalidRequest, message: "invalid request: jsonrpc must be \"2.0\"")
        }
        guard case .string(let method)? = o["method"] else {
            return .invalid(id: id, code: StratumErrorCode.invalidRequest, message: "invalid request: method must be a string")
        }
        let params: [JSONValue]
        switch o["params"] {
        case nil, .null?: params = []
        case .array(let a)?: params = a
        default:
            return .invalid(id: id, code: StratumErrorCode.invalidRequest, message: "invalid request: params must be an array")
        }
        func bad(_ what: String) -> StratumInbound {
            .invalid(id: id, code: StratumErrorCode.invalidParams, message: "invalid params: \(method) expects \(what)")
        }
        func string(_ i: Int) -> String? {
            guard i < params.count, case .string(let s) = params[i] else { return nil }
            return s
        }
        switch method {
        case "mining.subscribe":
            if params.isEmpty { return .request(id: id, .subscribe(userAgent: "")) }
            guard let ua = string(0) else { return bad("[userAgent]") }
            return .request(id: id, .subscribe(userAgent: ua))
        case "mining.authorize":
            guard let worker = string(0) else { return bad("[worker, password]") }
            return .request(id: id, .authorize(worker: worker, password: string(1) ?? ""))
        case "mining.submit":
            let shape = "[worker, jobId, extranonce2 (8 hex digits), counter (16 hex digits)]"
            guard params.count == 4, let worker = string(0), let jobId = string(1),
                  let e2s = string(2), let cs = string(3),
                  let e2 = Self.hexInteger(e2s, digits: 8).map(UInt32.init),
                  let counter = Self.hexInteger(cs, digits: 16)
            else { return bad(shape) }
            return .request(id: id, .submit(worker: worker, jobId: jobId, extranonce2: e2, counter: counter))
        case "mining.submit_proof":
            guard params.count == 2, let worker = string(0), case .object = params[1] else {
                return bad("[worker, envelope] (a proof envelope object {\"type_id\", \"body\", \"nullifier\"})")
            }
            return .request(id: id, .submitProof(worker: worker, envelope: params[1]))
        default:
            return .invalid(id: id, code: StratumErrorCode.methodNotFound, message: "method not found: \(method.prefix(64))")
        }
    }

    /// Exactly `digits` hex digits (either case, no `0x`).
    static func hexInteger(_ s: String, digits: Int) -> UInt64? {
        guard s.utf8.count == digits else { return nil }
        var v: UInt64 = 0
        for c in s.utf8 {
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x61...0x66: d = c - 0x61 + 10
            case 0x41...0x46: d = c - 0x41 + 10
            default: return nil
            }
            v = v << 4 | UInt64(d)
        }
        return v
    }

    /// `n` as exactly `digits` lowercase hex digits.
    public static func hex(_ n: UInt64, digits: Int) -> String {
        let s = String(n, radix: 16)
        return String(repeating: "0", count: max(0, digits - s.count)) + s
    }
}

/// Outbound lines (each ends with `\n`).
public enum StratumWire {
    // Replies are written field by field in canonical order (`error`, `id`, `jsonrpc`, `result`):
    // the same bytes `JSONValue.canonical` gives, without building and sorting a dictionary for
    // every share.
    public static func result(id: JSONValue, _ result: JSONValue) -> String {
        var out = "{\"error\":null,\"id\":"
        id.write(to: &out)
        out += ",\"jsonrpc\":\"2.0\",\"result\":"
        result.write(to: &out)
        out += "}\n"
        return out
    }

    public static func error(id: JSONValue, code: Int, message: String, data: JSONValue? = nil) -> String {
        var out = "{\"error\":{\"code\":\(code),"
        if let data {
            out += "\"data\":"
            data.write(to: &out)
            out += ","
        }
        out += "\"message\":"
        JSONValue.writeString(message, to: &out)
        out += "},\"id\":"
        id.write(to: &out)
        out += ",\"jsonrpc\":\"2.0\",\"result\":null}\n"
        return out
    }

    /// A client's request line, canonical like every other line.
    public static func request(id: Int64, method: String, _ params: [JSONValue]) -> String {
        var out = "{\"id\":\(id),\"jsonrpc\":\"2.0\",\"method\":"
        JSONValue.writeString(method, to: &out)
        out += ",\"params\":"
        JSONValue.array(params).write(to: &out)
        out += "}\n"
        return out
    }

    public static func notification(_ method: String, _ params: [JSONValue]) -> String {
        JSONValue.object(["id": .null, "jsonrpc": "2.0", "method": .string(method), "params": .array(params)]).canonical + "\n"
    }

    public static func setDifficulty(_ tShareMicro: Int64) -> String {
        notification("mining.set_difficulty", [.int(tShareMicro)])
    }

    /// `mining.notify [jobId, template, cleanJobs, hints]`. The template is spliced in exactly as
    /// ``HeaderTemplate/encodeJSON()`` wrote it, so a client decodes the same template.
    /// `mining.notify [jobId, template, clean, hints]`; `jobId`/`clean` default to the job's own.
    public static func notify(_ job: MiningJob, jobId: String? = nil, clean: Bool? = nil) -> String {
        let template = String(decoding: job.template.encodeJSON(), as: UTF8.self)
        let hints: JSONValue = job.proofHints.isEmpty ? .object([:]) : .object(["proofs": .array(job.proofHints.map { .string($0) })])
        return "{\"id\":null,\"jsonrpc\":\"2.0\",\"method\":\"mining.notify\",\"params\":["
            + JSONValue.string(jobId ?? job.jobId).canonical + "," + template + "," + ((clean ?? job.cleanJobs) ? "true" : "false")
            + "," + hints.canonical + "]}\n"
    }
}
