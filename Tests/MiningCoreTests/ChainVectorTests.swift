import Foundation
import MiningCore
import Testing
import TestSupport

/// `asert.json` (spec §6.2) and `chain.json` (§6.3), every case.
@Suite struct ChainVectorTests {
    struct AsertParams: Decodable { let targetBlockMs, halfLifeMs, thetaMinMicro, thetaMaxMicro: Int64 }
    struct AsertCase: Decodable {
        let params: AsertParams
        let theta0: Int64
        let genesisTimeMs: Int64
        let timesMs: [Int64]
        let thetas: [Int64]
    }

    /// `thetas[k-1]` is Θ of block k; block 1 (and 2) carry Θ₀ clamped, after that each block's
    /// interval to its parent steps the rule (block 1's interval to genesis is no sample).
    @Test func asertV1MatchesEveryVector() throws {
        let file = try VectorFile<AsertCase>.load("asert.json")
        #expect(file.cases.count == 205)
        for (ci, c) in file.cases.enumerated() {
            let rule = try ASERTv1(.init(targetBlockMs: c.params.targetBlockMs, halfLifeMs: c.params.halfLifeMs,
                                         thetaMinMicro: c.params.thetaMinMicro, thetaMaxMicro: c.params.thetaMaxMicro))
            #expect(c.thetas.count == c.timesMs.count + 1, "case \(ci)")
            var got = [rule.initialState(theta0: c.theta0)]
            let times = [c.genesisTimeMs] + c.timesMs
            for h in 1...c.timesMs.count {
                got.append(h == 1 ? got[0] : rule.next(got[h - 1], dtMs: times[h] - times[h - 1]))
            }
            #expect(got == c.thetas, "case \(ci) \(c.params)")
        }
    }

    /// The same cases through the research configuration (`inspect retarget`, scenarios).
    @Test func asertV1ThroughTheConfigReader() throws {
        let file = try VectorFile<AsertCase>.load("asert.json")
        for c in file.cases.prefix(40) {
            let rule = try RetargetRuleConfig(table: [
                "rule": "asert-v1", "targetBlockMs": .int(c.params.targetBlockMs), "halfLifeMs": .int(c.params.halfLifeMs),
                "thetaMinMicro": .int(c.params.thetaMinMicro), "thetaMaxMicro": .int(c.params.thetaMaxMicro),
            ]).makeRule()
            let times = [c.genesisTimeMs] + c.timesMs
            let samples = (2..<times.count).map { RetargetSample(dtMs: times[$0] - times[$0 - 1]) }
            let start = rule.theta(of: rule.initialState(theta0: c.theta0))
            #expect([start, start] + rule.thetas(theta0: c.theta0, samples: samples) == c.thetas)
        }
    }

    @Test func chainDocumentRootsMatchEveryVector() throws {
        let tree = try StrictJSON.parse(String(decoding: Data(contentsOf: ProjectPaths.vectors.appendingPathComponent("chain.json")), as: UTF8.self))
        guard case .array(let cases)? = tree["cases"] else { Issue.record("chain.json has no cases"); return }
        #expect(cases.count == 41)
        for c in cases {
            guard case .string(let name)? = c["name"], let doc = c["doc"], case .string(let root)? = c["root"] else {
                Issue.record("malformed case \(c)"); continue
            }
            let d = try ChainDocument(tree: doc)
            #expect(Hex.encode(d.root) == root, "\(name)")
            // The TOML form of the same document has the same root.
            let fromTOML = try ChainDocument(toml: Self.toml(doc))
            #expect(fromTOML.root == d.root, "\(name) as TOML")
        }
    }

    @Test func builtInDevnetChainIsTheSpecFile() throws {
        let text = try String(contentsOf: ProjectPaths.spec.appendingPathComponent("devnet-chain.toml"), encoding: .utf8)
        #expect(ChainDocument.devnetTOML == text)
        let d = ChainDocument.devnet
        #expect(Hex.encode(d.root) == "0xdd6d1426602d1f8cbfbc7ccdaf45010b7966f896c598f3a75d6d821eeec77418")
        #expect(d.chainId == 1337 && d.targetBlockMs == 2000 && d.thetaMinMicro == 1_000_000 && d.thetaMaxMicro == 64_000_000)
        #expect(d.retarget == .asertV1(halfLifeMs: 48_000))
        #expect(d.rule == .asert(.devnet))
    }

    /// A case's document written as TOML (top-level scalars, then `[retarget]`).
    static func toml(_ doc: JSONValue) -> String {
        guard case .object(let o) = doc else { return "" }
        func scalar(_ v: JSONValue) -> String {
            if case .string(let s) = v { return "\"\(s)\"" }
            return v.canonical
        }
        var lines = JSONValue.sortedKeys(o).filter { $0 != "retarget" }.map { "\($0) = \(scalar(o[$0]!))" }
        if case .object(let r)? = o["retarget"] {
            lines.append("[retarget]")
            lines += JSONValue.sortedKeys(r).map { "\($0) = \(scalar(r[$0]!))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
