import Foundation
import Testing
import TestSupport

/// `simctl mine` bad input: one stderr line naming the flag, non-zero exit, nothing mined.
@Suite struct MineCommandTests {
    @Test(arguments: [
        (["mine", "--threads=-1"], "--threads"),
        (["mine", "--proofs", "gpu"], "--proofs"),
        (["mine", "--rpc", "localhost"], "--rpc"),
        (["mine", "--stratum", "nope:99999"], "--stratum"),
        (["mine", "--connect", "http://x"], "--connect"),
        (["mine", "--template-refresh", "0"], "--template-refresh"),
        (["mine", "--vdf-t", "10"], "--vdf-t"),
        (["mine", "--chain-id", "5"], "--chain-id: the chain id is part of the chain document now"),
        (["mine", "--chain", "/no/such/chain.toml"], "--chain: file '/no/such/chain.toml' does not exist"),
        (["mine", "--chain", "Scenarios/baseline.toml"], ": chain: unknown key (did you mean 'chainId'?)"),
    ])
    func badFlagIsOneLineNamingIt(args: [String], field: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mine-bad-\(UUID().uuidString)").path
        let r = try Simctl.run(args + ["--data-dir", dir])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(field))
        #expect(r.stdout.isEmpty)
    }

    @Test func helpDocumentsFlagsAndEnvironment() throws {
        let r = try Simctl.run(["mine", "--help"])
        #expect(r.status == 0)
        for word in ["--data-dir", "--threads", "--proofs", "--rpc", "--stratum", "--template-refresh", "--chain",
                     "--connect", "--blocks", "MINER_THREADS", "STRATUM_LISTEN", "RPC_LISTEN", "CHAIN_FILE", "DATA_DIR", "asert-v1"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
    }
}
