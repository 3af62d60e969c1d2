import ArgumentParser
import Foundation
import MiningCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `simctl getwork`: one `miner_getWork` call against a node, printed as one JSON line — the
/// quickest way to see what a miner would be given (template, Θ, share threshold).
struct Getwork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "getwork",
        abstract: "Print a node's current job (one miner_getWork call over JSON-RPC).",
        discussion: """
            Prints the job as one JSON line: the header template (height, parentHash, params.thetaMicro, \
            nonceDomain.mixSeed, extra.templateId, …) plus tShareMicro, the share threshold an HTTP \
            miner gets. Exits 1 when the node answers with an error (e.g. 20 "no work yet" right \
            after a new head while local proofs are made), 2 on bad input or when the node cannot be \
            reached.
            """)

    @Option(help: "The node's JSON-RPC endpoint (default http://127.0.0.1:8545/rpc, as simctl mine serves it).")
    var rpc: String = "http://127.0.0.1:8545/rpc"

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 10

    func run() async throws {
        guard let url = URL(string: rpc), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw CLI.fail("--rpc", "expected an http://HOST:PORT/rpc URL, got '\(rpc.prefix(80))'")
        }
        guard timeout.isFinite, timeout > 0, timeout <= 600 else { throw CLI.fail("--timeout", "expected seconds in (0, 600]") }
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"jsonrpc":"2.0","id":1,"method":"miner_getWork","params":[]}"#.utf8)
        let data: Data
        do {
            (data, _) = try await URLSession.shared.data(for: request)
        } catch {
            throw CLI.fail("--rpc", "cannot reach \(rpc): \(error.localizedDescription)")
        }
        let reply: JSONValue
        do { reply = try StrictJSON.parse(Array(data)) } catch {
            throw CLI.fail("--rpc", "\(rpc) did not answer JSON-RPC: \(error)")
        }
        if let e = reply["error"] {
            FileHandle.standardError.write(Data("simctl: getwork: the node answered \(e.canonical)\n".utf8))
            throw ExitCode(1)
        }
        guard let result = reply["result"] else { throw CLI.fail("--rpc", "the answer has neither result nor error") }
        CLI.printJSON(result)
    }
}
