import Foundation
import MiningCore

/// A JSON-RPC 2.0 error (spec §9 codes).
public struct RPCError: Error, Sendable, Equatable {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(_ code: Int, _ message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static func parse(_ detail: String) -> RPCError { RPCError(-32700, "parse error: \(detail)") }
    public static func invalidRequest(_ detail: String) -> RPCError { RPCError(-32600, "invalid request: \(detail)") }
    public static func unknownMethod(_ m: String) -> RPCError { RPCError(-32601, "unknown method '\(m)'") }
    public static func invalidParams(_ detail: String) -> RPCError { RPCError(-32602, "invalid params: \(detail)") }
    public static func share(_ r: ShareRejection, _ detail: String? = nil) -> RPCError {
        RPCError(r.rawValue, detail.map { "\(r.message): \($0)" } ?? r.message, data: ["reason": .string(r.label)])
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["code": .int(Int64(code)), "message": .string(message)]
        if let data { o["data"] = data }
        return .object(o)
    }
}

/// A request that failed to parse, with the id when one could be read.
public struct RPCParseFailure: Error, Sendable {
    public var id: JSONValue
    public var error: RPCError
    init(_ id: JSONValue, _ error: RPCError) { self.id = id; self.error = error }
}

/// One parsed JSON-RPC request.
public struct RPCRequest: Sendable {
    public var id: JSONValue
    public var method: String
    public var params: [JSONValue]
    /// No `id` member: a JSON-RPC notification, which the server runs but never answers
    /// (JSON-RPC 2.0 §4.1). `"id": null` is a request (answered with `null`).
    public var isNotification = false

    /// Parses a request document. Errors carry the id when one could be read.
    public static func parse(_ data: Data) -> Result<RPCRequest, RPCParseFailure> {
        guard data.count <= 1 << 20 else { return .failure(RPCParseFailure(.null, .invalidRequest("request larger than 1 MiB"))) }
        let json: JSONValue
        // The strict parser bounds nesting depth, so hostile input cannot exhaust the stack.
        do { json = try StrictJSON.parse(Array(data)) } catch {
            return .failure(RPCParseFailure(.null, .parse("\(error)")))
        }
        guard case .object(let o) = json else {
            return .failure(RPCParseFailure(.null, .invalidRequest("expected a request object (batches are not supported)")))
        }
        let id = o["id"] ?? .null
        switch id {
        case .null, .int, .string: break
        default: return .failure(RPCParseFailure(.null, .invalidRequest("id must be a string, an integer or null")))
        }
        guard o["jsonrpc"] == .string("2.0") else { return .failure(RPCParseFailure(id, .invalidRequest("jsonrpc must be \"2.0\""))) }
        guard case .string(let method)? = o["method"] else { return .failure(RPCParseFailure(id, .invalidRequest("method must be a string"))) }
        let params: [JSONValue]
        switch o["params"] {
        case nil, .null?: params = []
        case .array(let a)?: params = a
        case .object(let p)? where p.isEmpty: params = []
        default: return .failure(RPCParseFailure(id, .invalidParams("params must be an array")))
        }
        return .success(RPCRequest(id: id, method: method, params: params, isNotification: o["id"] == nil))
    }
}

/// Response documents.
public enum RPCResponse {
    public static func result(_ id: JSONValue, _ result: JSONValue) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "result": result]
    }

    public static func error(_ id: JSONValue, _ error: RPCError) -> JSONValue {
        ["jsonrpc": "2.0", "id": id, "error": error.json]
    }

    /// A server → client notification.
    public static func notification(_ method: String, _ params: [JSONValue]) -> JSONValue {
        ["jsonrpc": "2.0", "method": .string(method), "params": .array(params)]
    }
}
