import Foundation
import MiningCore

/// `[chain]`: either `chain = "path.toml"`, a chain document (spec v1.1 §6.3) — the same file
/// `simctl mine --chain` starts a node on — or the same consensus keys inline.
///
/// Inline keys: `policy`, `thetaMicro0`, `targetBlockSeconds` or `targetBlockMs` (one of them),
/// `thetaMinMicro`, `thetaMaxMicro`, `[chain.retarget]` (any research rule); plus the
/// non-consensus `blockReward`. The chain-level target and bounds are fed into the retarget table
/// under the chosen rule's own names, so one `thetaMaxMicro` bounds `ema-v1`, `asert-v1` and
/// `window` alike (and `--set chain.retarget.rule=…` keeps the bound); the rule table's own
/// `thetaMin`/`thetaMax` still work, but a bound given both ways is an error.
///
/// With a document every consensus key comes from it: writing one of them in the scenario too is
/// an error naming the key (two sources of truth would silently disagree with the node).
extension ScenarioDecoder {
    /// The `[chain]` keys a chain document fixes.
    static let consensusKeys = ["policy", "thetaMicro0", "targetBlockSeconds", "targetBlockMs",
                                "thetaMinMicro", "thetaMaxMicro", "retarget"]

    func decodeChain(_ node: TOMLTree) throws(ScenarioError) -> Scenario.Chain {
        var c = try TableReader(node, path: ["chain"], ctx: ctx)
        let chain: Scenario.Chain
        if c.table["chain"] != nil {
            chain = try decodeDocumentChain(&c)
        } else {
            chain = try decodeInlineChain(&c)
        }
        try c.finish()
        return chain
    }

    // MARK: chain document

    private func decodeDocumentChain(_ c: inout TableReader) throws(ScenarioError) -> Scenario.Chain {
        let name = try c.string("chain")
        for key in Self.consensusKeys where c.table[key] != nil {
            throw c.error(key, "no value here: given by the chain document \(name) (edit the document, or drop chain = … and write the chain inline)")
        }
        let blockReward = try c.double("blockReward", default: 1.0, min: 0)
        let path = resolve(name).path
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw c.error("chain", "the path of a readable chain document (\(path) \(Self.unreadable(path)))")
        }
        var policyText: String? = nil
        let spec: ChainSpec
        do {
            spec = try ChainSpec.load(text: text, file: path) { p in
                guard let d = FileManager.default.contents(atPath: p), let t = String(data: d, encoding: .utf8) else {
                    throw UnreadableFile(reason: Self.unreadable(p))
                }
                policyText = t
                return t
            }
        } catch {
            throw documentError(error, path: path, at: c.error("chain", ""))
        }
        let doc = spec.document
        return Scenario.Chain(policy: doc.policy, policyTOML: policyText ?? PolicyBridge.devnetTOML,
                              thetaMicro0: doc.theta1, targetBlockSeconds: Double(doc.targetBlockMs) / 1000,
                              blockReward: blockReward, retarget: doc.retargetConfig, rule: doc.rule,
                              document: doc, documentPath: path, alphaTuner: nil)
    }

    /// A chain document's error, located in the document (file, line, key), with the scenario
    /// line that named the document.
    private func documentError(_ e: ChainDocumentError, path: String, at named: ScenarioError) -> ScenarioError {
        let from = named.line.map { "\(named.file):\($0)" } ?? named.file
        return ScenarioError(file: e.file ?? path, line: e.line, keyPath: e.keyPath,
                             expected: "\(e.problem) (the chain document named by \(from) chain.chain)")
    }

    private static func unreadable(_ path: String) -> String {
        FileManager.default.fileExists(atPath: path) ? "cannot be read as UTF-8 text" : "does not exist"
    }

    private struct UnreadableFile: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    // MARK: inline

    private func decodeInlineChain(_ c: inout TableReader) throws(ScenarioError) -> Scenario.Chain {
        let policy = try c.string("policy", default: "devnet")
        let policyTOML = try loadPolicy(policy, c.error("policy", ""))
        let theta0 = try c.int("thetaMicro0", default: 2_000_000, min: 0, max: 700_000_000)
        let hasSeconds = c.has("targetBlockSeconds"), hasMs = c.has("targetBlockMs")
        if hasSeconds && hasMs {
            throw c.error("targetBlockMs", "either targetBlockSeconds or targetBlockMs, not both")
        }
        let targetMs: Int? = hasMs ? try c.int("targetBlockMs", min: 1, max: Int(Int32.max)) : nil
        let target: Double
        if let ms = targetMs { target = Double(ms) / 1000 } else { target = try c.double("targetBlockSeconds", default: 2.0, above: 0) }
        let targetKey = ["chain", hasMs ? "targetBlockMs" : "targetBlockSeconds"]
        let thetaMin = c.has("thetaMinMicro") ? try c.int("thetaMinMicro", min: 0) : nil
        let thetaMax = c.has("thetaMaxMicro") ? try c.int("thetaMaxMicro", min: 0) : nil
        let blockReward = try c.double("blockReward", default: 1.0, min: 0)

        var table: [String: JSONValue] = [:]
        if let rt = c.raw("retarget") {
            guard case .table(let t) = rt else { throw c.error("retarget", "a table such as [chain.retarget] with rule = \"ema\"") }
            for (k, v) in t {
                switch v {
                case .int, .double, .string, .bool: table[k] = v.json
                default: throw ctx.error(["chain", "retarget", k], "a number or a string, found \(v.typeName)")
                }
            }
        }
        // Fill in what the rule reads from [chain], remembering where each value was written so
        // that the rule's complaint about it names the scenario key.
        var origin: [String: [String]] = [:]
        let kind = RetargetBridge.canonicalRule(table["rule"])
        func fill(_ key: String, _ value: JSONValue, from path: [String], unless present: [String]) {
            guard present.allSatisfy({ table[$0] == nil }) else { return }
            table[key] = value
            origin[key] = path
        }
        func bound(_ key: String, _ value: Int?, as ruleKey: String, aliases: [String]) throws(ScenarioError) {
            guard let value else { return }
            if let given = aliases.first(where: { table[$0] != nil }) {
                throw c.error(key, "no value here: [chain.retarget] \(given) is given too (write the bound once)")
            }
            fill(ruleKey, .int(Int64(value)), from: ["chain", key], unless: [])
        }
        switch kind {
        case "asert-v1":
            if let ms = targetMs {
                fill("targetBlockMs", .int(Int64(ms)), from: targetKey, unless: ["T", "targetBlockMs"])
            } else {
                fill("T", .double(target), from: targetKey, unless: ["T", "targetBlockMs"])
            }
            try bound("thetaMinMicro", thetaMin, as: "thetaMinMicro", aliases: ["thetaMinMicro", "thetaMin"])
            try bound("thetaMaxMicro", thetaMax, as: "thetaMaxMicro", aliases: ["thetaMaxMicro", "thetaMax"])
        case "fixed":
            if let key = thetaMin != nil ? "thetaMinMicro" : (thetaMax != nil ? "thetaMaxMicro" : nil) {
                throw c.error(key, "no Θ bound with rule = \"fixed\" (Θ never moves): drop \(key) or choose another rule")
            }
        default:  // ema-v1, window, or a name the validation below rejects
            fill("T", .double(target), from: targetKey, unless: ["T"])
            try bound("thetaMinMicro", thetaMin, as: "thetaMin", aliases: ["thetaMin"])
            try bound("thetaMaxMicro", thetaMax, as: "thetaMax", aliases: ["thetaMax"])
        }
        let config = try RetargetBridge.config(table: table, origin: origin, ctx: ctx)
        return Scenario.Chain(policy: policy, policyTOML: policyTOML, thetaMicro0: Int64(theta0),
                              targetBlockSeconds: target, blockReward: blockReward, retarget: config.config,
                              rule: config.rule, document: nil, documentPath: nil, alphaTuner: nil)
    }

    // MARK: files

    /// `name` relative to the scenario's folder (absolute paths as they are).
    func resolve(_ name: String) -> URL {
        name.hasPrefix("/") ? URL(fileURLWithPath: name)
            : URL(fileURLWithPath: ctx.file).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// `"devnet"` is the built-in policy; anything else is a path (relative to the scenario).
    func loadPolicy(_ name: String, _ err: ScenarioError) throws(ScenarioError) -> String {
        if name == "devnet" { return PolicyBridge.devnetTOML }
        let url = resolve(name)
        guard let d = FileManager.default.contents(atPath: url.path), let t = String(data: d, encoding: .utf8) else {
            var e = err
            e.expected = "\"devnet\" or the path of a readable policy TOML file (\(url.path) cannot be read)"
            throw e
        }
        do { _ = try Policy(toml: t) } catch {
            var e = err
            e.expected = "a valid policy; \(url.path): \(error)"
            throw e
        }
        return t
    }
}
