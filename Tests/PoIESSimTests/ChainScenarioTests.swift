import Foundation
import MiningCore
import Testing
@testable import PoIESSim

/// `[chain]` naming a chain document (`chain = "…"`) or giving the v1.1 keys inline.
@Suite struct ChainScenarioTests {
    static let specDir = SimFixture.scenariosDir.deletingLastPathComponent().appendingPathComponent("docs/spec")

    /// A fresh folder holding `files` (name → text); returns its path.
    func folder(_ files: [String: String]) throws -> String {
        let d = SimFixture.tempDir()
        for (name, text) in files {
            let url = URL(fileURLWithPath: d).appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return d
    }

    func error(_ body: () throws -> Scenario) -> ScenarioError? {
        do { _ = try body(); return nil } catch let e as ScenarioError { return e } catch { return nil }
    }

    static let miners = """
        [[miners]]
        name = "a"
        hashrate = 5000.0
        """

    // MARK: chain documents

    /// The done-when item: the shipped scenario names docs/spec/devnet-chain.toml and runs, with
    /// the document's rule, bounds, target, Θ₀ and policy (seed 21, as shipped).
    @Test func shippedDevnetChainScenarioRunsOnTheSpecDocument() throws {
        let sc = try Scenario.load(path: SimFixture.scenariosDir.appendingPathComponent("devnet-chain.toml").path)
        let text = try String(contentsOf: Self.specDir.appendingPathComponent("devnet-chain.toml"), encoding: .utf8)
        let doc = try ChainDocument(toml: text)
        #expect(sc.chain.document == doc)
        #expect(doc.root == ChainDocument.devnet.root)
        #expect(sc.chain.retarget == doc.retargetConfig)
        #expect(sc.chain.rule == doc.rule)
        #expect(sc.chain.retargetRule == "asert-v1")
        #expect(sc.chain.thetaBounds == 1_000_000...64_000_000)
        #expect(sc.chain.targetBlockSeconds == 2.0)
        #expect(sc.chain.thetaMicro0 == 2_000_000)
        #expect(sc.chain.policy == "devnet")
        #expect(sc.chain.policyTOML == PolicyBridge.devnetTOML)
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: 2))
        #expect(summary.blocks == 40_000)
        // asert-v1 holds the arithmetic mean on target, away from both bounds.
        #expect(abs(summary.meanInterval / 2.0 - 1) < 0.03, "\(summary.meanInterval)")
        #expect(summary.thetaAtMinShare == 0)
        #expect(summary.thetaAtMaxShare == 0)
    }

    /// The path is relative to the scenario; the document's policy path is relative to the
    /// document; θ₀ is clamped into the bounds like the node's Θ(1); blockReward stays allowed.
    @Test func documentPathsResolveAndKeysComeFromTheDocument() throws {
        let policy = try String(contentsOf: Self.specDir.appendingPathComponent("devnet-policy.toml"), encoding: .utf8)
        let chain = ChainDocument.devnetTOML
            .replacingOccurrences(of: "policy = \"devnet\"", with: "policy = \"policies/p.toml\"")
            .replacingOccurrences(of: "thetaMicro0 = 2000000", with: "thetaMicro0 = 500000")
            .replacingOccurrences(of: "targetBlockMs = 2000", with: "targetBlockMs = 2500")
        let d = try folder(["chains/c.toml": chain, "chains/policies/p.toml": policy, "scenarios/.keep": ""])
        let scenario = "[scenario]\nseed = 3\nblocks = 500\n[chain]\nchain = \"../chains/c.toml\"\nblockReward = 2.5\n" + Self.miners
        let sc = try SimFixture.scenario(scenario, file: "\(d)/scenarios/s.toml")
        #expect(sc.chain.policy == "policies/p.toml")
        #expect(sc.chain.policyTOML == policy)
        #expect(sc.chain.thetaMicro0 == 1_000_000)
        #expect(sc.chain.targetBlockSeconds == 2.5)
        #expect(sc.chain.blockReward == 2.5)
        #expect(sc.chain.retarget == .asert(.init(targetBlockMs: 2500, halfLifeMs: 48_000,
                                                  thetaMinMicro: 1_000_000, thetaMaxMicro: 64_000_000)))
        let (rows, st) = try SimFixture.blocks(sc)
        #expect(st.blocks == 500)
        #expect(rows.first?.thetaMicro == 1_000_000)
    }

    @Test func missingDocumentIsAnErrorAtChainChain() throws {
        let d = try folder([:])
        let e = try #require(error { try SimFixture.scenario("[chain]\nchain = \"nope.toml\"\n" + Self.miners, file: "\(d)/s.toml") })
        #expect(e.file == "\(d)/s.toml")
        #expect(e.line == 2)
        #expect(e.keyPath == "chain.chain")
        #expect(e.expected.contains("nope.toml does not exist"))
    }

    /// A bad key inside the document: the error names the document, its line and key, and the
    /// scenario line that named it.
    @Test func badDocumentKeyNamesTheDocumentAndLine() throws {
        let chain = ChainDocument.devnetTOML.replacingOccurrences(of: "thetaMaxMicro = 64000000", with: "thetaMaxMicro = 0")
        let line = chain.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("thetaMaxMicro") }! + 1
        let d = try folder(["c.toml": chain])
        let e = try #require(error { try SimFixture.scenario("[scenario]\nseed = 1\n[chain]\nchain = \"c.toml\"\n" + Self.miners, file: "\(d)/s.toml") })
        #expect(e.file == "\(d)/c.toml")
        #expect(e.line == line)
        #expect(e.keyPath == "thetaMaxMicro")
        #expect(e.description.hasPrefix("\(d)/c.toml:\(line): thetaMaxMicro: "))
        #expect(e.description.contains("named by \(d)/s.toml:4 chain.chain"))
        // A policy the document names but that is missing: an error at the document's policy key.
        let p = try folder(["c.toml": ChainDocument.devnetTOML.replacingOccurrences(of: "policy = \"devnet\"", with: "policy = \"gone.toml\"")])
        let pe = try #require(error { try SimFixture.scenario("[chain]\nchain = \"c.toml\"\n" + Self.miners, file: "\(p)/s.toml") })
        #expect(pe.file == "\(p)/c.toml")
        #expect(pe.keyPath == "policy")
        #expect(pe.expected.contains("gone.toml"))
    }

    @Test(arguments: ["thetaMicro0 = 3000000", "policy = \"devnet\"", "targetBlockSeconds = 2.0", "targetBlockMs = 2000",
                      "thetaMaxMicro = 30000000", "thetaMinMicro = 1000000", "retarget = { rule = \"ema\" }"])
    func consensusKeyBesideADocumentIsAnError(line: String) throws {
        let d = try folder(["c.toml": ChainDocument.devnetTOML])
        let key = String(line.prefix { $0 != " " })
        let e = try #require(error { try SimFixture.scenario("[chain]\nchain = \"c.toml\"\n\(line)\n" + Self.miners, file: "\(d)/s.toml") })
        #expect(e.keyPath == "chain.\(key)")
        #expect(e.line == 3)
        #expect(e.expected.contains("given by the chain document c.toml"))
        // …and the same through --set.
        let o = try #require(error { try SimFixture.scenario("[chain]\nchain = \"c.toml\"\n" + Self.miners, file: "\(d)/s.toml", ["chain.thetaMicro0=5"]) })
        #expect(o.keyPath == "chain.thetaMicro0")
        #expect(o.file == "\(d)/s.toml (--set)")
    }

    // MARK: inline v1.1 keys

    @Test func targetBlockMsOrSecondsNotBoth() throws {
        let e = try #require(error { try SimFixture.scenario("[chain]\ntargetBlockSeconds = 2.0\ntargetBlockMs = 2000\n" + Self.miners, file: "s.toml") })
        #expect(e.keyPath == "chain.targetBlockMs")
        #expect(e.line == 3)
        #expect(e.expected.contains("not both"))
        let ms = try SimFixture.scenario("[chain]\ntargetBlockMs = 2500\n[chain.retarget]\nrule = \"asert-v1\"\n" + Self.miners)
        #expect(ms.chain.targetBlockSeconds == 2.5)
        #expect(ms.chain.retarget == .asert(.init(targetBlockMs: 2500, halfLifeMs: 48_000, thetaMinMicro: 1_000_000, thetaMaxMicro: 64_000_000)))
        let ema = try SimFixture.scenario("[chain]\ntargetBlockMs = 2500\n" + Self.miners)
        #expect(ema.chain.retarget == .ema(.init(T: 2.5)))
        // asert-v1 needs whole milliseconds: the error names the scenario key the target came from.
        let frac = try #require(error { try SimFixture.scenario("[chain]\ntargetBlockSeconds = 2.0005\n[chain.retarget]\nrule = \"asert\"\n" + Self.miners, file: "s.toml") })
        #expect(frac.keyPath == "chain.targetBlockSeconds")
        #expect(frac.line == 2)
    }

    /// `thetaMinMicro`/`thetaMaxMicro` bound whichever rule runs; the rule table's own bound keys
    /// still work; a bound given both ways is an error.
    @Test func inlineBoundsFeedEveryRule() throws {
        let base = "[chain]\nthetaMinMicro = 2000000\nthetaMaxMicro = 30000000\n" + Self.miners
        for (rule, expected) in [("ema", RetargetRuleConfig.ema(.init(thetaMin: 2_000_000, thetaMax: 30_000_000))),
                                 ("window", .window(.init(thetaMin: 2_000_000, thetaMax: 30_000_000))),
                                 ("asert", .asert(.init(targetBlockMs: 2000, halfLifeMs: 48_000, thetaMinMicro: 2_000_000, thetaMaxMicro: 30_000_000)))] {
            let sc = try SimFixture.scenario(base, ["chain.retarget.rule=\"\(rule)\""])
            #expect(sc.chain.retarget == expected, "\(rule)")
            #expect(sc.chain.thetaBounds == 2_000_000...30_000_000)
        }
        let own = try SimFixture.scenario("[chain.retarget]\nrule = \"ema\"\nthetaMax = 20000000\n" + Self.miners)
        #expect(own.chain.thetaBounds == 1_000_000...20_000_000)
        let both = try #require(error { try SimFixture.scenario("[chain]\nthetaMaxMicro = 30000000\n[chain.retarget]\nthetaMax = 20000000\n" + Self.miners, file: "s.toml") })
        #expect(both.keyPath == "chain.thetaMaxMicro")
        #expect(both.line == 2)
        let fixed = try #require(error { try SimFixture.scenario(base, file: "s.toml", ["chain.retarget.rule=\"fixed\""]) })
        #expect(fixed.keyPath == "chain.thetaMinMicro")
        #expect(try SimFixture.scenario("[chain.retarget]\nrule = \"fixed\"\n" + Self.miners).chain.thetaBounds == nil)
        let inverted = try #require(error { try SimFixture.scenario("[chain]\nthetaMinMicro = 9000000\nthetaMaxMicro = 3000000\n" + Self.miners, file: "s.toml") })
        #expect(inverted.keyPath == "chain.thetaMaxMicro")
    }

    /// Scenarios written before v1.1 keep their meaning: `rule = "asert"` with `halfLife` in
    /// seconds, `T`, `thetaMax`; no rule means `ema-v1`; `targetBlockSeconds` still sets `T`.
    @Test func olderKeysStillWork() throws {
        let sc = try SimFixture.scenario("""
            [chain]
            targetBlockSeconds = 60.0
            [chain.retarget]
            rule = "asert"
            halfLife = 48
            thetaMax = 20000000
            """ + "\n" + Self.miners)
        #expect(sc.chain.retarget == .asert(.init(targetBlockMs: 60_000, halfLifeMs: 48_000, thetaMinMicro: 1_000_000, thetaMaxMicro: 20_000_000)))
        #expect(sc.chain.retargetRule == "asert-v1")
        let ema = try SimFixture.scenario("[chain]\ntargetBlockSeconds = 600.0\n[chain.retarget]\nhalfLife = 12\n" + Self.miners)
        #expect(ema.chain.retarget == .ema(.init(T: 600, halfLife: 12)))
    }
}
