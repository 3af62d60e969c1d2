import TOMLKit

/// A chain's consensus parameters as one document (spec v1.1 §6.3): identity, genesis, target
/// interval, Θ₀ and bounds, the policy and the retarget rule with its parameters.
///
/// `root` — SHA3-256 of the document's canonical JSON, exactly as written (no defaults added,
/// nothing clamped, the `policy` string rather than the policy's content) — is
/// `policyRoots.algPolicy` of every header, so blocks of chains with different rules, bounds,
/// genesis or target never validate on each other's nodes. The same document drives the node
/// (`simctl mine --chain`) and the simulator (a scenario's `[chain] chain = "…"`).
///
/// Pure: reading the policy file a document names is the caller's (see ``ChainSpec/load``).
public struct ChainDocument: Sendable, Hashable {
    /// The consensus rule named by `[retarget]` with its parameters (§6.1, §6.2).
    public enum Retarget: Sendable, Hashable {
        case asertV1(halfLifeMs: Int64)
        case emaV1(halfLifeBlocks: Int64, betaPpm: Int64, stepMicro: Int64)

        public var ruleName: String {
            switch self {
            case .asertV1: return "asert-v1"
            case .emaV1: return "ema-v1"
            }
        }
    }

    public let version: Int64
    public let chainId: UInt32
    public let genesisTimeMs: UInt64
    public let targetBlockMs: Int64
    /// Θ of block 1 before clamping into the bounds.
    public let thetaMicro0: Int64
    public let thetaMinMicro: Int64
    public let thetaMaxMicro: Int64
    /// `"devnet"` (the built-in policy) or a path relative to the chain file's folder.
    public let policy: String
    public let retarget: Retarget
    /// The document as written; `root` hashes its canonical JSON.
    public let tree: JSONValue
    public let root: [UInt8]
    /// The validated rule (built once).
    public let rule: AnyRetargetRule

    /// The largest `H(u)` in µ-nats (§3): the ceiling of every Θ in a chain document.
    public static let maxThetaMicro: Int64 = 177_445_678

    static let topLevelKeys = ["version", "chainId", "genesisTimeMs", "targetBlockMs", "thetaMicro0",
                               "thetaMinMicro", "thetaMaxMicro", "policy", "retarget"]

    /// Validates a document tree (TOML or JSON front end). Keys are checked in a fixed order —
    /// unknown keys, then each key in schema order, then the cross-key rules — so a document's
    /// first error is always the same. `locate` maps a key path to its line (TOML only).
    public init(tree: JSONValue, locate: @escaping (String) -> Int? = { _ in nil }) throws(ChainDocumentError) {
        let r = TreeReader(locate: locate)
        func wrap<T>(_ body: () throws(PolicyError) -> T) throws(ChainDocumentError) -> T {
            do { return try body() } catch { throw ChainDocumentError(error) }
        }
        func int(_ t: [String: JSONValue], _ key: String, _ path: String, _ range: ClosedRange<Int64>) throws(ChainDocumentError) -> Int64 {
            try wrap { () throws(PolicyError) -> Int64 in try r.int(t, key, path: path, range: range)! }
        }
        func string(_ t: [String: JSONValue], _ key: String, _ path: String) throws(ChainDocumentError) -> String {
            let full = path.isEmpty ? key : "\(path).\(key)"
            guard let v = t[key] else { throw ChainDocumentError(r.error(full, .missingKey)) }
            guard case .string(let s) = v else {
                throw ChainDocumentError(r.error(full, .wrongType(expected: "a string", found: TreeReader.kind(v))))
            }
            return s
        }

        let root = try wrap { () throws(PolicyError) in try r.table(tree, path: "", known: Self.topLevelKeys) }
        version = try int(root, "version", "", 1...1)
        chainId = UInt32(try int(root, "chainId", "", 0...Int64(UInt32.max)))
        genesisTimeMs = UInt64(try int(root, "genesisTimeMs", "", 0...Int64.max))
        targetBlockMs = try int(root, "targetBlockMs", "", ASERTv1.targetBlockMsRange)
        thetaMicro0 = try int(root, "thetaMicro0", "", 0...Self.maxThetaMicro)
        thetaMinMicro = try int(root, "thetaMinMicro", "", 1...Self.maxThetaMicro)
        thetaMaxMicro = try int(root, "thetaMaxMicro", "", 1...Self.maxThetaMicro)
        policy = try string(root, "policy", "")
        if policy.isEmpty {
            throw ChainDocumentError(r.error("policy", .badString(policy, expected: "\"devnet\" or a path to a policy file")))
        }
        guard let rv = root["retarget"] else { throw ChainDocumentError(r.error("retarget", .missingKey)) }
        let ruleTable = try wrap { () throws(PolicyError) in
            try r.table(rv, path: "retarget", known: ["rule", "halfLifeMs", "halfLifeBlocks", "betaPpm", "stepMicro"])
        }
        let ruleName = try string(ruleTable, "rule", "retarget")
        let ruleKeys: [String]
        switch ruleName {
        case "asert-v1": ruleKeys = ["rule", "halfLifeMs"]
        case "ema-v1": ruleKeys = ["rule", "halfLifeBlocks", "betaPpm", "stepMicro"]
        default:
            throw ChainDocumentError(r.error("retarget.rule", .badString(ruleName, expected: "\"asert-v1\" or \"ema-v1\"")))
        }
        _ = try wrap { () throws(PolicyError) in try r.table(rv, path: "retarget", known: ruleKeys) }
        switch ruleName {
        case "asert-v1":
            retarget = .asertV1(halfLifeMs: try int(ruleTable, "halfLifeMs", "retarget", ASERTv1.halfLifeMsRange))
        default:
            retarget = .emaV1(halfLifeBlocks: try int(ruleTable, "halfLifeBlocks", "retarget", 1...1_000_000),
                              betaPpm: try int(ruleTable, "betaPpm", "retarget", 1...10_000_000),
                              stepMicro: try int(ruleTable, "stepMicro", "retarget", 1...Self.maxThetaMicro))
        }
        if thetaMinMicro > thetaMaxMicro {
            throw ChainDocumentError(keyPath: "thetaMinMicro", line: locate("thetaMinMicro"),
                                     problem: "thetaMinMicro \(thetaMinMicro) exceeds thetaMaxMicro \(thetaMaxMicro)")
        }
        self.tree = tree
        self.root = SHA3_256.hash(tree.canonicalBytes)
        do {
            self.rule = try Self.config(retarget, targetBlockMs: targetBlockMs, min: thetaMinMicro, max: thetaMaxMicro).makeRule()
        } catch {
            // Unreachable: every parameter was range-checked above.
            throw ChainDocumentError(keyPath: "retarget", problem: error.description)
        }
    }

    /// Parses and validates TOML text (no file access: the caller reads the file).
    public init(toml text: String) throws(ChainDocumentError) {
        let index = TOMLLineIndex(text)
        if let bad = TOMLHeaderGuard.firstBadHeader(text) {
            throw ChainDocumentError(keyPath: "", line: bad.line, problem: "not a valid chain document: \(bad.problem)")
        }
        let tree: JSONValue
        do {
            let table = try TOMLTable(string: text)
            tree = try Policy.jsonTree(table, path: "", index: index)
        } catch let e as PolicyError {
            throw ChainDocumentError(e)
        } catch let e as TOMLParseError {
            throw ChainDocumentError(keyPath: "", line: e.source.begin.line, problem: "not a valid chain document: \(e.description)")
        } catch {
            throw ChainDocumentError(keyPath: "", problem: "not a valid chain document: \(error)")
        }
        try self.init(tree: tree, locate: index.line(of:))
    }

    /// The canonical JSON the root hashes (what `chain_getParams` returns).
    public var canonicalJSON: String { tree.canonical }

    /// The rule as a research configuration (the simulator's and `inspect retarget`'s form).
    public var retargetConfig: RetargetRuleConfig {
        Self.config(retarget, targetBlockMs: targetBlockMs, min: thetaMinMicro, max: thetaMaxMicro)
    }

    /// Θ of block 1 (and block 2): Θ₀ clamped into the bounds.
    public var theta1: Int64 { Swift.min(Swift.max(thetaMicro0, thetaMinMicro), thetaMaxMicro) }

    /// §6.1: `T = targetBlockMs/1000` and `β = betaPpm/10^6`, each correctly rounded (one IEEE
    /// division of exact integers).
    static func config(_ r: Retarget, targetBlockMs: Int64, min: Int64, max: Int64) -> RetargetRuleConfig {
        switch r {
        case .asertV1(let hl):
            return .asert(.init(targetBlockMs: targetBlockMs, halfLifeMs: hl, thetaMinMicro: min, thetaMaxMicro: max))
        case .emaV1(let hl, let beta, let step):
            return .ema(.init(T: Double(targetBlockMs) / 1000, halfLife: Double(hl), beta: Double(beta) / 1e6,
                              step: step, thetaMin: min, thetaMax: max))
        }
    }
}

/// Why a chain document was rejected: the dotted key path, the line (TOML) and what is wrong.
/// `file` is filled in by whoever read the file.
public struct ChainDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String?
    public var keyPath: String
    public var line: Int?
    public var problem: String

    public init(file: String? = nil, keyPath: String, line: Int? = nil, problem: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.problem = problem
    }

    /// The policy reader's errors, reworded where the chain document's rules differ (integers and
    /// strings only).
    init(_ e: PolicyError) {
        var problem = e.problem
        if case .float = e.reason { problem = "expected an integer, found a float (a chain document holds integers and strings only)" }
        if case .syntax(let m) = e.reason { problem = "not a valid chain document: \(m)" }
        self.init(keyPath: e.keyPath, line: e.line, problem: problem)
    }

    /// `devnet-chain.toml:7: thetaMaxMicro: value 0 is out of range (expected an integer in 1…177445678)`.
    public var description: String {
        var loc = file ?? ""
        if let line { loc += loc.isEmpty ? "line \(line)" : ":\(line)" }
        var parts: [String] = []
        if !loc.isEmpty { parts.append(loc) }
        if !keyPath.isEmpty { parts.append(keyPath) }
        parts.append(problem)
        return parts.joined(separator: ": ")
    }
}
