/// Validation of a policy tree (shared by the TOML and JSON front ends), in a fixed order so the
/// first error reported for a document is always the same: unknown keys, then each key in schema
/// order (missing, kind, range), then the cross-key rules.
extension Policy {
    /// Largest cap or Γ a policy may set: the ψ saturation bound of §1 (10^15 µ-nats). Keeps every
    /// sum of capped values and the `Double` scale of `downscale` exact.
    public static let maxCapMicro: Int64 = 1_000_000_000_000_000

    static let topLevelKeys = [
        "version", "gammaCapMicro", "escortQPpm", "nullifierTTL", "vdfItersPerSecond", "vdfMaxT",
        "vdfModuli", "aiProviders", "quantumProviders", "storageProviders", "types", "alphaTuner",
    ]
    static let commonTypeKeys = ["perProofCap", "perTypeCap", "maxProofs", "alpha", "kPpm"]

    /// The type-specific coefficient keys of §4.
    static func extraTypeKeys(_ t: ProofType) -> [String] {
        switch t {
        case .ai, .quantum: return ["trapsLowPpm", "trapsHighPpm"]
        case .storage: return ["availExpPpm", "retrievalBonusPpm"]
        case .hashShare, .vdf: return []
        }
    }

    /// Validates `tree` and builds the policy. `locate` maps a key path to its line (TOML only).
    public init(tree: JSONValue, locate: @escaping (String) -> Int? = { _ in nil }) throws(PolicyError) {
        let r = TreeReader(locate: locate)
        let root = try r.table(tree, path: "", known: Self.topLevelKeys)
        let version = try r.int(root, "version", path: "", range: 1...1, required: false) ?? 1
        let gamma = try r.int(root, "gammaCapMicro", path: "", range: 0...Self.maxCapMicro)!
        let escort = try r.int(root, "escortQPpm", path: "", range: 0...1_000_000)!
        let ttl = try r.int(root, "nullifierTTL", path: "", range: 0...Int64.max)!
        let ips = try r.int(root, "vdfItersPerSecond", path: "", range: 1...Int64.max)!
        let maxT = try r.int(root, "vdfMaxT", path: "", range: 0...Int64.max)!
        let moduli = try r.strings(root, "vdfModuli", path: "", check: nil)
        let providers = try ["aiProviders", "quantumProviders", "storageProviders"].map { (key: String) throws(PolicyError) -> [String] in
            try r.strings(root, key, path: "", check: Self.isProviderKey)
        }

        let typesPath = "types"
        guard let typesValue = root["types"] else { throw r.error(typesPath, .missingKey) }
        let typesTable = try r.table(typesValue, path: typesPath, known: ProofType.allCases.map(\.policyName))
        var perType = PerType(repeating: TypePolicy(perProofCap: 0, perTypeCap: 0, maxProofs: 0, alpha: 0, kPpm: 0))
        for t in ProofType.allCases {
            let path = "types.\(t.policyName)"
            guard let v = typesTable[t.policyName] else { throw r.error(path, .missingKey) }
            let extras = Self.extraTypeKeys(t)
            let tt = try r.table(v, path: path, known: Self.commonTypeKeys + extras)
            var tp = TypePolicy(
                perProofCap: try r.int(tt, "perProofCap", path: path, range: 0...Self.maxCapMicro)!,
                perTypeCap: try r.int(tt, "perTypeCap", path: path, range: 0...Self.maxCapMicro)!,
                maxProofs: try r.int(tt, "maxProofs", path: path, range: 0...Int64(Int32.max))!,
                alpha: try r.int(tt, "alpha", path: path, range: 0...Int64.max)!,
                kPpm: try r.int(tt, "kPpm", path: path, range: 0...Int64.max)!)
            if extras.contains("trapsLowPpm") {
                tp.trapsLowPpm = try r.int(tt, "trapsLowPpm", path: path, range: 0...1_000_000)
                tp.trapsHighPpm = try r.int(tt, "trapsHighPpm", path: path, range: 0...1_000_000)
            }
            if extras.contains("availExpPpm") {
                tp.availExpPpm = try r.int(tt, "availExpPpm", path: path, range: 0...Int64.max)
                tp.retrievalBonusPpm = try r.int(tt, "retrievalBonusPpm", path: path, range: 0...Int64.max)
            }
            if tp.perProofCap > tp.perTypeCap {
                throw r.error("\(path).perProofCap", .perProofCapAbovePerTypeCap(perProofCap: tp.perProofCap, perTypeCap: tp.perTypeCap))
            }
            if tp.perTypeCap > gamma {
                throw r.error("\(path).perTypeCap", .perTypeCapAboveGamma(perTypeCap: tp.perTypeCap, gammaCapMicro: gamma))
            }
            if let lo = tp.trapsLowPpm, let hi = tp.trapsHighPpm, lo > hi {
                throw r.error("\(path).trapsLowPpm", .rampInverted(low: lo, high: hi))
            }
            perType[t] = tp
        }

        var tuner: AlphaTunerSettings?
        if let tv = root["alphaTuner"] {
            let path = "alphaTuner"
            let table = try r.table(tv, path: path, known: ["cooldown", "targetPpm"])
            let cooldown = try r.int(table, "cooldown", path: path, range: 1...Int64(Int32.max))!
            guard let targets = table["targetPpm"] else { throw r.error("\(path).targetPpm", .missingKey) }
            let tpath = "\(path).targetPpm"
            let tt = try r.table(targets, path: tpath, known: ProofType.allCases.map(\.policyName))
            var targetPpm: [ProofType: Int64] = [:]
            for t in ProofType.allCases where tt[t.policyName] != nil {
                targetPpm[t] = try r.int(tt, t.policyName, path: tpath, range: 0...1_000_000)
            }
            tuner = AlphaTunerSettings(cooldown: cooldown, targetPpm: targetPpm)
        }

        self.init(version: version, gammaCapMicro: gamma, escortQPpm: escort, nullifierTTL: ttl,
                  vdfItersPerSecond: ips, vdfMaxT: maxT, vdfModuli: moduli, aiProviders: providers[0],
                  quantumProviders: providers[1], storageProviders: providers[2], types: perType,
                  alphaTuner: tuner, tree: tree)
    }

    /// A provider key is a lowercase `0x`-prefixed 32-byte Ed25519 public key.
    static func isProviderKey(_ s: String) -> String? {
        let ok = s.utf8.count == 66 && s.hasPrefix("0x")
            && s.utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        return ok ? nil : "a lowercase 0x-prefixed 32-byte hex Ed25519 public key"
    }
}

/// Reads typed values out of a JSON tree, turning every mismatch into a located `PolicyError`.
struct TreeReader {
    let locate: (String) -> Int?

    func error(_ path: String, _ reason: PolicyError.Reason) -> PolicyError {
        PolicyError(keyPath: path, line: locate(path), reason: reason)
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a float"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "a table"
        }
    }

    /// `v` as a table whose keys are all in `known` (else: unknown key, with a suggestion).
    func table(_ v: JSONValue, path: String, known: [String]) throws(PolicyError) -> [String: JSONValue] {
        guard case .object(let o) = v else {
            if case .double = v { throw error(path, .float) }
            throw error(path, .wrongType(expected: "a table", found: Self.kind(v)))
        }
        for key in JSONValue.sortedKeys(o) where !known.contains(key) {
            let full = path.isEmpty ? key : "\(path).\(key)"
            throw error(full, .unknownKey(suggestion: Self.suggestion(for: key, among: known)))
        }
        return o
    }

    /// An integer key in `range`; nil only when absent and not `required`.
    func int(_ t: [String: JSONValue], _ key: String, path: String, range: ClosedRange<Int64>,
             required: Bool = true) throws(PolicyError) -> Int64? {
        let full = path.isEmpty ? key : "\(path).\(key)"
        guard let v = t[key] else {
            if required { throw error(full, .missingKey) }
            return nil
        }
        switch v {
        case .int(let i):
            guard range.contains(i) else { throw error(full, .outOfRange(value: i, allowed: Self.describe(range))) }
            return i
        case .double: throw error(full, .float)
        default: throw error(full, .wrongType(expected: "an integer", found: Self.kind(v)))
        }
    }

    /// A required array of strings; `check` returns what was expected when a string is wrong.
    func strings(_ t: [String: JSONValue], _ key: String, path: String,
                 check: ((String) -> String?)?) throws(PolicyError) -> [String] {
        let full = path.isEmpty ? key : "\(path).\(key)"
        guard let v = t[key] else { throw error(full, .missingKey) }
        guard case .array(let a) = v else {
            if case .double = v { throw error(full, .float) }
            throw error(full, .wrongType(expected: "an array of strings", found: Self.kind(v)))
        }
        var out: [String] = []
        for (i, e) in a.enumerated() {
            let ep = "\(full)[\(i)]"
            switch e {
            case .string(let s):
                if let expected = check?(s) { throw error(ep, .badString(s, expected: expected)) }
                out.append(s)
            case .double: throw error(ep, .float)
            default: throw error(ep, .wrongType(expected: "a string", found: Self.kind(e)))
            }
        }
        return out
    }

    static func describe(_ r: ClosedRange<Int64>) -> String {
        if r.lowerBound == r.upperBound { return "\(r.lowerBound)" }
        if r.upperBound == Int64.max { return "an integer ≥ \(r.lowerBound)" }
        return "an integer in \(r.lowerBound)…\(r.upperBound)"
    }

    /// The known name closest to `key` by case-insensitive edit distance, if it is close enough
    /// to be a plausible typo (distance ≤ max(2, length/3)).
    static func suggestion(for key: String, among known: [String]) -> String? {
        var best: (String, Int)?
        for k in known {
            let d = editDistance(Array(key.lowercased().unicodeScalars), Array(k.lowercased().unicodeScalars))
            if d <= max(2, k.count / 3), best == nil || d < best!.1 { best = (k, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count), cur = prev
        for i in 1...a.count {
            cur[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
