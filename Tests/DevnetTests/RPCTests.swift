import Devnet
import Foundation
import Hummingbird
import HummingbirdTesting
import MiningCore
import NIOCore
import Testing
import Verifiers

/// JSON-RPC over HTTP through the real router (HummingbirdTesting `.router`): every method, the
/// spec §9 error codes, and bad input that must not take the server down.
@Suite struct RPCTests {
    /// A started node without a local miner (the head moves only when a test seals a block).
    static func node(theta0: Int64 = 6_000_000, staleGrace: Duration = .seconds(1)) async throws -> DevnetNode {
        // No template refresh and a long job TTL: the tests' jobs must not age out on a loaded machine.
        let n = try DevnetNode(config: Fixtures.config(theta0: theta0), dataDir: Fixtures.tempDir("rpc"),
                               options: NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600),
                                                    staleGrace: staleGrace))
        await n.start()
        return n
    }

    static func parse(_ b: ByteBuffer) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: b))) ?? .null
    }

    static func request(_ method: String, _ params: [JSONValue] = [], id: Int64 = 1) -> String {
        (["jsonrpc": "2.0", "id": .int(id), "method": .string(method), "params": .array(params)] as JSONValue).canonical
    }

    func withApp(_ node: DevnetNode, _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let app = Application(router: DevnetHTTPServer.makeRouter(rpc: DevnetRPC(node: node)))
        try await app.test(.router) { client in try await body(client) }
    }

    static func call(_ client: some TestClientProtocol, _ text: String) async throws -> JSONValue {
        try await client.execute(uri: "/rpc", method: .post, body: ByteBuffer(string: text)) { r in
            #expect(r.status == .ok)
            return parse(r.body)
        }
    }

    @Test func chainMethods() async throws {
        let node = try await Self.node()
        let config = node.config
        try await withApp(node) { client in
            let head = try await Self.call(client, Self.request("chain_getHead"))
            #expect(head["result"]?["number"] == .int(0))
            #expect(head["result"]?["hash"] == .string(Hex.encode(config.genesis.hash)))
            let byNumber = try await Self.call(client, Self.request("chain_getBlockByNumber", ["0x0"]))
            #expect(byNumber["result"]?["block"]?["header"]?["height"] == .int(0))
            let byHash = try await Self.call(client, Self.request("chain_getBlockByHash", [.string(Hex.encode(config.genesis.hash))]))
            #expect(byHash["result"]?["hash"] == .string(Hex.encode(config.genesis.hash)))
            let missing = try await Self.call(client, Self.request("chain_getBlockByNumber", [99]))
            #expect(missing["result"] == .null && missing["error"] == nil)
            let params = try await Self.call(client, Self.request("chain_getParams"))
            #expect(params["result"]?["thetaMicro"] == .int(6_000_000))
            #expect(params["result"]?["policyRoot"] == .string("0x12e2961c8265f45e2b9289674b24c42aa9fa903557f7db00d7fadd7180e9110a"))
            #expect(params["result"]?["policy"]?["gammaCapMicro"] == .int(8_000_000))
            try await client.execute(uri: "/openrpc", method: .get) { r in
                let names = Self.parse(r.body)["methods"].flatMap { v -> [String]? in
                    guard case .array(let a) = v else { return nil }
                    return a.compactMap { if case .string(let s)? = $0["name"] { s } else { nil } }
                }
                #expect(names == DevnetRPC.methods)
            }
        }
        await node.stop()
    }

    @Test func errorsAreJSONRPCErrorsAndTheServerKeepsAnswering() async throws {
        let node = try await Self.node()
        try await withApp(node) { client in
            let cases: [(String, Int64)] = [
                ("{not json", -32700),
                (String(repeating: "[", count: 100_000), -32700),
                (#"{"jsonrpc":"2.0","id":1,"id":2,"method":"chain_getHead"}"#, -32700),
                ("[1,2]", -32600),
                (#"{"jsonrpc":"1.0","id":1,"method":"chain_getHead"}"#, -32600),
                (Self.request("chain_nope"), -32601),
                (Self.request("chain_getBlockByNumber", ["x"]), -32602),
                (Self.request("chain_getBlockByHash", ["0x12"]), -32602),
                (Self.request("miner_submitShare", [["type_id": "hashshare:v1"]]), -32602),
                (Self.request("miner_submitBlock", [["header": 1]]), -32602),
            ]
            for (text, code) in cases {
                let r = try await Self.call(client, text)
                #expect(r["error"]?["code"] == .int(code), "\(text) → \(r.canonical)")
            }
            let ok = try await Self.call(client, Self.request("chain_getHead"))
            #expect(ok["result"]?["number"] == .int(0))
        }
        await node.stop()
    }

    @Test func getWorkSubmitShareDuplicateAndSubmitBlock() async throws {
        // A 10-minute grace: the stale share below must land within it on a loaded machine too.
        let node = try await Self.node(staleGrace: .seconds(600))
        let config = node.config
        try await withApp(node) { client in
            let work = try await Self.call(client, Self.request("miner_getWork"))
            let w = try #require(work["result"])
            let tShare = ShareTarget.tShare(thetaMicro: 6_000_000, k: config.sharesPerBlock)
            #expect(w["tShareMicro"] == .int(tShare))
            guard case .object(var o) = w else { Issue.record("work is not an object"); return }
            o["tShareMicro"] = nil
            let template = try HeaderTemplate.decode(json: Data(JSONValue.object(o).canonicalBytes))
            // A share: H ≥ tShare but below Θ (not a block).
            let share = Fixtures.nonce(for: template) { $0 >= tShare && $0 < template.params.thetaMicro }
            let env = HashShareProof.envelope(template: template, nonce: share, chainId: config.chainId).json
            let accepted = try await Self.call(client, Self.request("miner_submitShare", [env]))
            #expect(accepted["result"] == ["accepted": true, "isBlock": false])
            let dup = try await Self.call(client, Self.request("miner_submitShare", [env]))
            #expect(dup["error"]?["code"] == .int(22))
            let low = Fixtures.nonce(for: template) { $0 < tShare }
            let lowEnv = HashShareProof.envelope(template: template, nonce: low, chainId: config.chainId).json
            let lowReply = try await Self.call(client, Self.request("miner_submitShare", [lowEnv]))
            #expect(lowReply["error"]?["code"] == .int(23))
            // A full block through miner_submitBlock.
            let sealing = Fixtures.nonce(for: template) { $0 >= template.params.thetaMicro }
            let staleNonce = Fixtures.nonce(for: template, from: 1_000_000) { $0 >= template.params.thetaMicro }
            let block = Block(header: template, nonce: sealing, proofs: [])
            let sub = try await Self.call(client, Self.request("miner_submitBlock", [block.json]))
            #expect(sub["result"]?["isHead"] == .bool(true))
            let again = try await Self.call(client, Self.request("miner_submitBlock", [block.json]))
            #expect(again["error"]?["code"] == .int(20))
            // The old job is on the replaced head: within the stale grace a share is still
            // accepted, never as a block (NodeTests checks the stale answer after the grace).
            let staleEnv = HashShareProof.envelope(template: template, nonce: staleNonce, chainId: config.chainId).json
            let stale = try await Self.call(client, Self.request("miner_submitShare", [staleEnv]))
            #expect(stale["result"] == ["accepted": true, "isBlock": false], "\(stale)")
            let head = try await Self.call(client, Self.request("chain_getHead"))
            #expect(head["result"]?["number"] == .int(1))
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                for name in ["animica_miner_hashrate_shares_per_sec", "animica_miner_submit_latency_seconds_bucket",
                             "animica_miner_shares_rejected_total{reason=\"duplicate\"} 1",
                             "animica_miner_shares_rejected_total{reason=\"low_difficulty\"} 1",
                             "animica_miner_selected_proofs_total", "animica_miner_blocks_sealed_total",
                             "animica_chain_height 1", "animica_chain_theta_micro", "animica_miner_connected_sessions"] {
                    #expect(text.contains(name), "metrics lack \(name)")
                }
            }
        }
        await node.stop()
    }

    /// JSON-RPC 2.0 §4.1: a request without an `id` member is a notification — run, never
    /// answered (HTTP 204, no body; nothing on a WebSocket). `"id": null` is still answered.
    @Test func notificationsGetNoReply() async throws {
        let node = try await Self.node()
        try await withApp(node) { client in
            let note = #"{"jsonrpc":"2.0","method":"chain_getHead","params":[]}"#
            try await client.execute(uri: "/rpc", method: .post, body: ByteBuffer(string: note)) { r in
                #expect(r.status == .noContent)
                #expect(r.body.readableBytes == 0)
            }
            let nullId = try await Self.call(client, #"{"jsonrpc":"2.0","id":null,"method":"chain_getHead","params":[]}"#)
            #expect(nullId["result"]?["number"] == .int(0))
            // Unparseable input is answered even without an id: the client meant a request.
            let bad = try await Self.call(client, #"{"jsonrpc":"2.0","method":"#)
            #expect(bad["error"]?["code"] == .int(-32700))
        }
        let session = GetworkSession(rpc: DevnetRPC(node: node))
        #expect(await session.handle(#"{"jsonrpc":"2.0","method":"miner_getWork","params":[]}"#) == nil)
        #expect(await session.handle(Self.request("chain_getHead")) != nil)
        session.close()
        await node.stop()
    }
}
