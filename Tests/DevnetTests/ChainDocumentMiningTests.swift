import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

/// The node runs the chain its document describes: `simctl mine --chain FILE` at full speed with
/// default settings (all cores, default proofs), every block's Θ checked against the document's
/// rule from the stored chain, and the interval the rule steers to.
@Suite struct ChainDocumentMiningTests {
    /// A 400 ms asert-v1 chain with an 8 s half-life. Θ₀ = 16 nats: just below any CPU's
    /// equilibrium (ln(hashes per 400 ms) + 3 nats of AI credit ≈ 17–20 nats), so the climb takes
    /// about 100 blocks and the last 200 of 420 measure the steady state even when the rest of
    /// the suite loads the machine (with Θ₀ 12 the climb still ran into them: 314 ms measured).
    static let fastChain = Fixtures.chainTOML(chainId: 4242, targetBlockMs: 400, theta0Micro: 16_000_000)

    struct Mined {
        var main: [BlockRecord]   // heights 0…n of the stored best chain
        var events: [JSONValue]
        var stderr: String
    }

    /// Runs `simctl mine` to `blocks` new blocks and reads the stored best chain back.
    static func mine(chainFile: String?, spec: ChainSpec, blocks: Int, timeout: Double) throws -> Mined {
        let dir = Fixtures.tempDir("chain-mine")
        var args = ["mine", "--data-dir", dir, "--rpc", "off", "--blocks", "\(blocks)"]
        if let chainFile { args += ["--chain", chainFile] }
        let r = try Simctl.run(args, timeout: timeout)
        #expect(!r.timedOut, "simctl mine did not mine \(blocks) blocks within \(timeout) s")
        #expect(r.status == 0, "\(r.stderr.suffix(2000))")
        let events = r.stdout.split(separator: "\n").compactMap { try? StrictJSON.parse(String($0)) }
        let store = try BlockStore(dataDir: dir, config: ChainConfig(spec: spec))
        let records = Dictionary(try store.allRecords().map { ($0.hash, $0) }, uniquingKeysWith: { a, _ in a })
        var main: [BlockRecord] = []
        var cur = records[try store.headHash()]
        while let c = cur {
            main.append(c)
            cur = c.height == 0 ? nil : records[c.parentHash]
        }
        return Mined(main: main.reversed(), events: events, stderr: r.stderr)
    }

    /// Θ of every block against the rule: Θ(1) = Θ(2) = Θ₀ as the rule starts it, then
    /// Θ(h+1) = rule(Θ(h), time(h) − time(h−1)).
    static func checkThetas(_ main: [BlockRecord], _ doc: ChainDocument) {
        let rule = doc.rule
        var state = rule.initialState(theta0: doc.thetaMicro0)
        for h in 1..<main.count {
            if h >= 3 {
                rule.step(&state, RetargetSample(dtMs: Int64(main[h - 1].time) - Int64(main[h - 2].time)))
            }
            #expect(main[h].thetaMicro == rule.theta(of: state), "block \(h): Θ \(main[h].thetaMicro), rule \(rule.theta(of: state))")
            if main[h].thetaMicro != rule.theta(of: state) { return }
        }
    }

    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func mines400msBlocksOnACustomChainDocument() async throws {
        try await HeavyTests.exclusive {
            let dir = Fixtures.tempDir("chain-doc")
            let file = (dir as NSString).appendingPathComponent("fast.toml")
            try Self.fastChain.write(toFile: file, atomically: true, encoding: .utf8)
            let spec = try ChainSpec.load(text: Self.fastChain, file: file) { _ in "" }
            let m = try Self.mine(chainFile: file, spec: spec, blocks: 420, timeout: 420)
            try #require(m.main.count >= 421, "stored chain has \(m.main.count - 1) blocks")
            Self.checkThetas(m.main, spec.document)
            let times = m.main.map { Int64($0.time) }
            let last = zip(times.suffix(201), times.suffix(200)).map { $1 - $0 }
            let mean = Double(last.reduce(0, +)) / Double(last.count)
            #expect(abs(mean - 400) <= 100, "mean of the last 200 intervals \(mean) ms, target 400 ms")
            // Every header carries the document's root; the block events carry the split and source.
            #expect(m.main.dropFirst().allSatisfy { $0.thetaMicro >= 1_000_000 })
            let start = try #require(m.events.first { $0["event"] == "start" })
            #expect(start["chainRoot"] == .string(Hex.encode(spec.document.root)))
            #expect(start["rule"] == "asert-v1" && start["chainId"] == 4242)
            let blocks = m.events.filter { $0["event"] == "block" }
            #expect(blocks.count >= 420)
            for b in blocks.prefix(50) {
                for key in ["intervalMs", "thetaMicro", "hMicro", "psiMicro", "psiByType", "source"] {
                    #expect(b[key] != nil, "block event lacks \(key): \(b.canonical)")
                }
                #expect(b["source"] == "local")
            }
            // Default proofs (ai,vdf) carry real weight: a head's first job goes out at once
            // without them (always a job), but they arrive within milliseconds, so at 400 ms
            // blocks almost every block carries the AI proof's 3 nats.
            let credited = m.main.suffix(200).filter { $0.psiMicro >= 2_000_000 }.count
            #expect(credited >= 180, "only \(credited) of the last 200 blocks carried 2 nats of Σψ")
            print("400 ms chain: Θ block 1 \(m.main[1].thetaMicro), block 420 \(m.main[420].thetaMicro); mean of last 200 intervals \(mean) ms; \(credited)/200 blocks with Σψ ≥ 2 nats")
        }
    }

    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func defaultDevnetChainClimbsFromTheta0() async throws {
        try await HeavyTests.exclusive {
            let m = try Self.mine(chainFile: nil, spec: .devnet, blocks: 120, timeout: 240)
            try #require(m.main.count >= 121)
            Self.checkThetas(m.main, .devnet)
            // Far below this CPU's equilibrium, blocks come fast and every one raises Θ.
            let thetas = m.main.dropFirst().map(\.thetaMicro)
            #expect(thetas.first == 2_000_000)
            #expect(thetas.last! > thetas.first! + 1_000_000, "Θ climbed only to \(thetas.last!)")
            // (Σψ is checked on the 400 ms chain: in this climb blocks come faster than proofs,
            // and a head's first job goes out at once, before them.)
            print("devnet chain: Θ block 1 \(thetas.first!), block 120 \(thetas.last!)")
        }
    }
}

/// A data dir remembers its chain document: another one is refused, naming both roots.
@Suite struct ChainDocumentStoreTests {
    static func config(chainId: UInt32) throws -> ChainConfig {
        let text = ChainDocument.devnetTOML.replacingOccurrences(of: "chainId = 1337", with: "chainId = \(chainId)")
        return ChainConfig(spec: ChainSpec(document: try ChainDocument(toml: text), policy: .devnet))
    }

    @Test func foreignChainDocumentIsRefusedNamingBothRoots() throws {
        let dir = Fixtures.tempDir("foreign")
        let a = try Self.config(chainId: 7)
        _ = try BlockStore(dataDir: dir, config: a)
        _ = try BlockStore(dataDir: dir, config: a)  // the same document reopens
        do {
            _ = try BlockStore(dataDir: dir, config: .devnet)
            Issue.record("a foreign chain document opened the data dir")
        } catch {
            let text = "\(error)"
            #expect(text.contains(Hex.encode(a.document.root)) && text.contains(Hex.encode(ChainDocument.devnet.root)), "\(text)")
            #expect(!text.contains("\n"))
        }
    }

    @Test func simctlMineRefusesAForeignChainInOneLine() throws {
        let dir = Fixtures.tempDir("foreign-cli")
        let file = (dir as NSString).appendingPathComponent("other.toml")
        try ChainDocument.devnetTOML.replacingOccurrences(of: "chainId = 1337", with: "chainId = 9")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let data = (dir as NSString).appendingPathComponent("data")
        let first = try Simctl.run(["mine", "--chain", file, "--data-dir", data, "--rpc", "off", "--threads", "1",
                                    "--proofs", "none", "--blocks", "1"], timeout: 120)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try Simctl.run(["mine", "--data-dir", data, "--rpc", "off", "--threads", "1", "--blocks", "1"], timeout: 120)
        #expect(second.status != 0)
        let lines = second.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(second.stderr)")
        #expect(second.stderr.contains(Hex.encode(ChainDocument.devnet.root)))
        let other = try ChainDocument(toml: try String(contentsOfFile: file, encoding: .utf8))
        #expect(second.stderr.contains(Hex.encode(other.root)))
        #expect(second.stdout.isEmpty)
    }
}
