import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

/// External work as people run it: `simctl mine --threads 1` with Stratum and RPC on free ports,
/// default settings otherwise, and the project's external miner (`simctl mine --connect … --threads
/// 1`, full speed) in its own process — over Stratum, then over WebSocket, then a slow miner, then
/// a node restart under a connected miner.
@Suite struct ExternalWorkEndToEndTests {
    static func json(_ lines: [String]) -> [JSONValue] { lines.compactMap { try? StrictJSON.parse($0) } }
    static func blocks(_ lines: [String]) -> [JSONValue] { json(lines).filter { $0["event"] == "block" } }
    static func int(_ v: JSONValue?) -> Int64 { if case .int(let i)? = v { return i }; return -1 }
    static func string(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s }; return nil }

    struct MinerRun {
        var accepted = 0, rejected = 0, disconnects = 0
        var tShares: [Int64] = []
        var firstAcceptedIndex: Int?
    }

    static func summarize(_ lines: [String]) -> MinerRun {
        var r = MinerRun()
        for (i, e) in json(lines).enumerated() {
            switch string(e["event"]) {
            case "share":
                if string(e["verdict"])?.hasPrefix("accepted") == true {
                    r.accepted += 1
                    if r.firstAcceptedIndex == nil { r.firstAcceptedIndex = i }
                } else { r.rejected += 1 }
            case "job": r.tShares.append(int(e["tShareMicro"]))
            case "disconnected": r.disconnects += 1
            default: break
            }
        }
        return r
    }

    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func externalMinersOverStratumAndWebSocketAtFullSpeed() async throws {
        try await HeavyTests.exclusive {
            let dir = Fixtures.tempDir("e2e")
            var node = try SimctlProcess(["mine", "--threads", "1", "--data-dir", dir, "--rpc", "127.0.0.1:0", "--stratum", "127.0.0.1:0"])
            let endpoints = await node.wait(timeout: 60) { lines -> (stratum: String, ws: String)? in
                let events = Self.json(lines).filter { $0["event"] == "listening" }
                guard let s = events.compactMap({ Self.string($0["stratum"]) }).first,
                      let w = events.compactMap({ Self.string($0["ws"]) }).first else { return nil }
                return (s, w)
            }
            guard let (stratumURL, wsURL) = endpoints else {
                await node.stop()
                Issue.record("the node did not listen within 60 s: \(node.stderr.suffix(500))")
                return
            }
            // A fresh devnet climbs from Θ₀ = 2 nats first (blocks every few tens of ms); the
            // measurements start once blocks come near the 2 s target.
            let climbed = await node.wait(timeout: 300) { lines -> Bool? in
                let iv = Self.blocks(lines).suffix(8).map { Self.int($0["intervalMs"]) }
                return iv.count == 8 && iv.sorted()[4] >= 700 ? true : nil
            }
            #expect(climbed == true, "blocks did not slow to the target within 300 s")

            // The one-shot debug getwork prints the job a miner would get.
            let rpcURL = wsURL.replacingOccurrences(of: "ws://", with: "http://").replacingOccurrences(of: "/ws", with: "/rpc")
            let gw = try Simctl.run(["getwork", "--rpc", rpcURL], timeout: 30)
            // Always a job (a head's first job goes out before its proofs).
            #expect(gw.status == 0, "getwork: \(gw.stderr)")
            if gw.status == 0 {
                let work = try StrictJSON.parse(gw.stdout)
                #expect(Self.int(work["tShareMicro"]) >= 0 && Self.int(work["height"]) > 0, "\(gw.stdout)")
            }
            let down = try Simctl.run(["getwork", "--rpc", "http://127.0.0.1:1/rpc"], timeout: 30)
            #expect(down.status == 2 && down.stderr.hasPrefix("simctl: --rpc: cannot reach"), "\(down.stderr)")

            for (url, source) in [(stratumURL, "stratum"), (wsURL, "ws")] {
                let from = Self.blocks(node.stdoutLines).count
                let miner = try SimctlProcess(["mine", "--connect", url, "--threads", "1"])
                try await Task.sleep(for: .seconds(40))
                await miner.stop()
                let run = Self.summarize(miner.stdoutLines)
                let total = run.accepted + run.rejected
                #expect(total > 0, "\(source): no share answered; \(miner.stderr.suffix(500))")
                #expect(Double(run.accepted) >= 0.95 * Double(max(1, total)), "\(source): \(run.accepted) of \(total) shares accepted")
                #expect(run.disconnects == 0, "\(source): \(run.disconnects) disconnects")
                let window = Self.blocks(node.stdoutLines).dropFirst(from)
                let external = window.filter { $0["source"] == .string(source) }.count
                let share = Double(external) / Double(max(1, window.count))
                #expect((0.2...0.8).contains(share), "\(source): sealed \(external) of \(window.count) blocks")
                print("e2e \(source): \(run.accepted)/\(total) shares accepted, sealed \(external) of \(window.count) blocks")
            }

            // A slow miner (10^5 H/s) gets a share accepted within 30 s and a difficulty change.
            let slow = try SimctlProcess(["mine", "--connect", stratumURL, "--threads", "1", "--max-hashrate", "100000"])
            let accepted = await slow.wait(timeout: 30) { Self.summarize($0).firstAcceptedIndex }
            try await Task.sleep(for: .seconds(5))
            await slow.stop()
            let slowRun = Self.summarize(slow.stdoutLines)
            #expect(accepted != nil, "the slow miner had no share accepted within 30 s")
            #expect(Set(slowRun.tShares).count >= 2, "the slow miner saw no difficulty change: \(slowRun.tShares)")

            // Restart the node under a connected miner: it is back to accepted shares within 10 s.
            let miner = try SimctlProcess(["mine", "--connect", stratumURL, "--threads", "1"])
            _ = await miner.wait(timeout: 20) { Self.summarize($0).firstAcceptedIndex }
            #expect(await node.stop() == 0)
            #expect(!node.stderr.contains("banned"), "a miner was banned")
            let port = String(stratumURL.split(separator: ":").last!)
            let before = Self.summarize(miner.stdoutLines).accepted
            node = try SimctlProcess(["mine", "--threads", "1", "--data-dir", dir, "--rpc", "off", "--stratum", "127.0.0.1:\(port)"])
            _ = await node.wait(timeout: 30) { lines in Self.json(lines).first { $0["event"] == "listening" } }
            let back = await miner.wait(timeout: 10) { Self.summarize($0).accepted > before ? true : nil }
            #expect(back == true, "no accepted share within 10 s of the node's return")
            await miner.stop()
            await node.stop()
        }
    }
}
