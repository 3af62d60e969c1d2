import Foundation
import MiningCore
import Testing
import TestSupport

/// The strict reader of chain documents: every rejection names the key path and its line.
@Suite struct ChainDocumentTests {
    static let valid = ChainDocument.devnetTOML

    func error(_ text: String) -> String? {
        do { _ = try ChainDocument(toml: text); return nil } catch { return error.description }
    }

    func replacing(_ a: String, _ b: String) -> String {
        precondition(Self.valid.contains(a), a)
        return Self.valid.replacingOccurrences(of: a, with: b)
    }

    @Test func rejectsBadDocumentsWithKeyAndLine() {
        #expect(error(replacing("chainId = 1337", "chainId = 1337\nchainID = 1")) == "line 5: chainID: unknown key (did you mean 'chainId'?)")
        #expect(error(replacing("thetaMicro0 = 2000000\n", "")) == "thetaMicro0: required key is missing")
        #expect(error(replacing("thetaMaxMicro = 64000000", "thetaMaxMicro = 200000000"))
                == "line 9: thetaMaxMicro: value 200000000 is out of range (expected an integer in 1…177445678)")
        #expect(error(replacing("targetBlockMs = 2000", "targetBlockMs = 2.0"))
                == "line 6: targetBlockMs: expected an integer, found a float (a chain document holds integers and strings only)")
        #expect(error(replacing("chainId = 1337", "chainId = true")) == "line 4: chainId: expected an integer, found a boolean")
        #expect(error(replacing("policy = \"devnet\"", "policy = [\"devnet\"]")) == "line 10: policy: expected a string, found an array")
        #expect(error(replacing("thetaMinMicro = 1000000", "thetaMinMicro = 70000000"))
                == "line 8: thetaMinMicro: thetaMinMicro 70000000 exceeds thetaMaxMicro 64000000")
        #expect(error(replacing("halfLifeMs = 48000", "halfLifeMs = 10"))
                == "line 14: retarget.halfLifeMs: value 10 is out of range (expected an integer in 1000…1099511627776)")
        #expect(error(replacing("rule = \"asert-v1\"", "rule = \"asert\""))
                == "line 13: retarget.rule: 'asert' is not \"asert-v1\" or \"ema-v1\"")
        #expect(error(replacing("halfLifeMs = 48000", "halfLifeMs = 48000\nbetaPpm = 5")) == "line 15: retarget.betaPpm: unknown key")
        #expect(error(replacing("rule = \"asert-v1\"\nhalfLifeMs = 48000", "rule = \"ema-v1\"\nhalfLifeBlocks = 24\nbetaPpm = 750000"))
                == "line 12: retarget.stepMicro: required key is missing")
        #expect(error(replacing("genesisTimeMs = 1735689600000", "genesisTimeMs = 2025-01-01T00:00:00Z"))?.hasPrefix("line 5: genesisTimeMs: expected") == true)
        #expect(error("version = = 1")?.hasPrefix("line 1: not a valid chain document") == true)
    }

    @Test func emaV1DocumentBuildsTheSpecRule() throws {
        let d = try ChainDocument(toml: replacing("rule = \"asert-v1\"\nhalfLifeMs = 48000",
                                                  "rule = \"ema-v1\"\nhalfLifeBlocks = 24\nbetaPpm = 750000\nstepMicro = 400000"))
        #expect(d.rule == .ema(try EMARetarget(.devnet)))
        #expect(d.retargetConfig.ruleName == "ema-v1")
    }

    @Test func loadsThePolicyBesideTheChainFile() throws {
        let text = replacing("policy = \"devnet\"", "policy = \"policies/p.toml\"")
        var asked: [String] = []
        let spec = try ChainSpec.load(text: text, file: "/tmp/chains/c.toml") { path in
            asked.append(path)
            return Policy.devnetTOML.replacingOccurrences(of: "escortQPpm = 150000", with: "escortQPpm = 100000")
        }
        #expect(asked == ["/tmp/chains/policies/p.toml"])
        #expect(spec.policy.escortQPpm == 100_000)
        // The root hashes the document as written, not the policy's content.
        #expect(spec.document.root != ChainDocument.devnet.root)
        struct Missing: Error, CustomStringConvertible { var description: String { "no such file" } }
        #expect(throws: ChainDocumentError(file: "c.toml", keyPath: "policy", line: 10,
                                           problem: "cannot read the policy file policies/p.toml: no such file")) {
            try ChainSpec.load(text: text, file: "c.toml") { _ in throw Missing() }
        }
        do {
            _ = try ChainSpec.load(text: text, file: "c.toml") { _ in "gammaCapMicro = -1" }
            Issue.record("an invalid policy was accepted")
        } catch {
            #expect(error.description.hasPrefix("c.toml:10: policy: the policy file policies/p.toml is invalid: "))
        }
    }
}
