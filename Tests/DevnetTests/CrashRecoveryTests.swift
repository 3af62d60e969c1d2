import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `simctl mine` killed with SIGKILL loses no block it acknowledged (printed), and a restart
/// resumes from the stored head. Runs the built simctl binary (`swift build --product simctl`).
@Suite struct CrashRecoveryTests {
    @Test func sigkillLosesNoAcknowledgedBlockAndRestartResumes() async throws {
        let bin = try #require(Simctl.binary, "build simctl first: swift build --product simctl")
        let dir = Fixtures.tempDir("crash")
        let p = Process()
        p.executableURL = bin
        p.arguments = ["mine", "--data-dir", dir, "--threads", "1", "--rpc", "off", "--proofs", "vdf", "--vdf-t", "256"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Read block lines until a few are acknowledged, then kill without warning. A node that
        // prints nothing for 120 s is killed by the deadline (the read then ends, and the count
        // check below fails with the figure).
        let pid = p.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { if p.isRunning { kill(pid, SIGKILL) } }
        var acknowledged: [(height: Int64, hash: String)] = []
        var buffer = Data()
        let handle = out.fileHandleForReading
        while acknowledged.count < 4 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let nl = buffer.firstIndex(of: 0x0a) {
                let line = buffer[buffer.startIndex..<nl]
                buffer.removeSubrange(buffer.startIndex...nl)
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(line))
                if json["event"] == "block", case .int(let h)? = json["height"], case .string(let hash)? = json["hash"] {
                    acknowledged.append((h, hash))
                }
            }
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(acknowledged.count >= 4, "\(acknowledged.count) blocks acknowledged before the kill (120 s deadline)")
        guard acknowledged.count >= 4 else { return }

        // Every acknowledged block is stored, on the best chain. (Each store is closed before
        // the next opens: a data dir has one owner at a time, even within a process.)
        do {
            let store = try BlockStore(dataDir: dir, config: .devnet)
            let records = try store.allRecords()
            let byHash = Dictionary(uniqueKeysWithValues: records.map { (Hex.encode($0.hash), $0) })
            for a in acknowledged {
                let r = try #require(byHash[a.hash], "acknowledged block \(a.height) \(a.hash) is missing")
                #expect(Int64(r.height) == a.height)
            }
        }
        let head: BlockRecord
        do {
            let node = try DevnetNode(dataDir: dir)
            head = await node.head
            #expect(Int64(head.height) >= acknowledged.last!.height)
            for a in acknowledged { #expect(await node.record(atHeight: UInt64(a.height)).map { Hex.encode($0.hash) } == a.hash) }
        }

        // A restart continues the same chain.
        let again = try Simctl.run(["mine", "--data-dir", dir, "--threads", "1", "--rpc", "off", "--proofs", "none", "--blocks", "1"])
        #expect(again.status == 0, "\(again.stderr)")
        let lines = again.stdout.split(separator: "\n").compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        let start = try #require(lines.first { $0["event"] == "start" })
        #expect(start["height"] == .int(Int64(head.height)))
        let block = try #require(lines.first { $0["event"] == "block" })
        #expect(block["height"] == .int(Int64(head.height) + 1))
    }
}
