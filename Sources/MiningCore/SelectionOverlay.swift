/// A local selection overlay (seed §5: "selection policy overlays: local caps tighter than
/// network"): limits this miner puts on the proofs *it* attaches, never looser than the network
/// policy's. A block built under the overlay's caps is a block the network policy also accepts
/// (fewer or smaller proofs), and it is credited by the network policy as usual — the overlay
/// changes what is chosen, not how it is counted.
///
/// Parsed from TOML text (no file access: the caller reads the file):
///
///     gammaCapMicro = 6000000      # Γ, at most the network's
///     escortQPpm = 300000          # escort q, at least the network's
///     [types.AI]
///     perTypeCap = 2000000         # each at most the network's
///     perProofCap = 1000000
///     maxProofs = 4
///
/// Every key is optional; an absent key keeps the network's limit. Whether the overlay is tighter
/// is checked against a concrete policy by ``apply(to:)`` — the overlay file alone cannot know
/// what the network allows.
public struct SelectionOverlay: Sendable, Equatable {
    /// The limits of one `[types.NAME]` table; nil = the network's.
    public struct TypeLimits: Sendable, Equatable {
        public var perProofCap: Int64?
        public var perTypeCap: Int64?
        public var maxProofs: Int64?
        public init(perProofCap: Int64? = nil, perTypeCap: Int64? = nil, maxProofs: Int64? = nil) {
            self.perProofCap = perProofCap
            self.perTypeCap = perTypeCap
            self.maxProofs = maxProofs
        }
    }

    public var gammaCapMicro: Int64?
    public var escortQPpm: Int64?
    public var types: PerType<TypeLimits>
    /// The line each key is written on (TOML), so ``apply(to:)`` can point at a loosening key.
    let lines: [String: Int]

    /// The keys an overlay may set: exactly the selection limits of §5.
    static let topLevelKeys = ["gammaCapMicro", "escortQPpm", "types"]
    static let typeKeys = ["perProofCap", "perTypeCap", "maxProofs"]

    public init(gammaCapMicro: Int64? = nil, escortQPpm: Int64? = nil,
                types: PerType<TypeLimits> = PerType(repeating: TypeLimits())) {
        self.gammaCapMicro = gammaCapMicro
        self.escortQPpm = escortQPpm
        self.types = types
        self.lines = [:]
    }

    /// Parses an overlay from TOML text, through the policy's TOML front end (same syntax
    /// checks, same line finding, same "did you mean" for unknown keys).
    public init(toml text: String) throws(PolicyError) {
        let (tree, index) = try Policy.tomlTree(text)
        try self.init(tree: tree, locate: index.line(of:))
    }

    /// Validates an overlay tree (TOML or JSON): only the selection keys, integers in the same
    /// ranges as the policy's (so negative values are refused). `locate` maps a key path to its line.
    public init(tree: JSONValue, locate: @escaping (String) -> Int? = { _ in nil }) throws(PolicyError) {
        let r = TreeReader(locate: locate)
        var lines: [String: Int] = [:]
        func note(_ path: String) { if let l = locate(path) { lines[path] = l } }
        let root = try Self.table(r, tree, path: "", allowed: Self.topLevelKeys, policyKeys: Policy.topLevelKeys)
        gammaCapMicro = try r.int(root, "gammaCapMicro", path: "", range: 0...Policy.maxCapMicro, required: false)
        escortQPpm = try r.int(root, "escortQPpm", path: "", range: 0...1_000_000, required: false)
        note("gammaCapMicro")
        note("escortQPpm")
        var perType = PerType(repeating: TypeLimits())
        if let typesValue = root["types"] {
            let typesTable = try r.table(typesValue, path: "types", known: ProofType.allCases.map(\.policyName))
            for t in ProofType.allCases {
                guard let v = typesTable[t.policyName] else { continue }
                let path = "types.\(t.policyName)"
                let tt = try Self.table(r, v, path: path, allowed: Self.typeKeys,
                                        policyKeys: Policy.commonTypeKeys + Policy.extraTypeKeys(t))
                perType[t] = TypeLimits(
                    perProofCap: try r.int(tt, "perProofCap", path: path, range: 0...Policy.maxCapMicro, required: false),
                    perTypeCap: try r.int(tt, "perTypeCap", path: path, range: 0...Policy.maxCapMicro, required: false),
                    maxProofs: try r.int(tt, "maxProofs", path: path, range: 0...Int64(Int32.max), required: false))
                for k in Self.typeKeys { note("\(path).\(k)") }
            }
        }
        types = perType
        self.lines = lines
    }

    /// A table whose keys are all `allowed`; a key of the network policy that is not (α, kPpm,
    /// nullifierTTL …) gets its own message, anything else the policy's unknown-key error with a
    /// suggestion among the allowed keys.
    private static func table(_ r: TreeReader, _ v: JSONValue, path: String, allowed: [String],
                              policyKeys: [String]) throws(PolicyError) -> [String: JSONValue] {
        if case .object(let o) = v {
            for key in JSONValue.sortedKeys(o) where !allowed.contains(key) && policyKeys.contains(key) {
                throw r.error(path.isEmpty ? key : "\(path).\(key)", .notOverlayKey)
            }
        }
        return try r.table(v, path: path, known: allowed)
    }

    /// The network caps tightened by this overlay: what this miner's selector uses. Throws, naming
    /// the key and its line, if any limit is looser than `policy`'s: a larger cap, Γ or
    /// `maxProofs`, or a smaller escort q (a smaller q lets one type fill more of Γ).
    public func apply(to policy: Policy) throws(PolicyError) -> CapsPolicy {
        var caps = policy.caps
        func tighten(_ path: String, _ value: Int64?, _ network: Int64, atMost: Bool) throws(PolicyError) -> Int64 {
            guard let value else { return network }
            if atMost ? value > network : value < network {
                throw PolicyError(keyPath: path, line: lines[path], reason: .loosens(value: value, network: network))
            }
            return value
        }
        caps.gammaCapMicro = try tighten("gammaCapMicro", gammaCapMicro, policy.gammaCapMicro, atMost: true)
        caps.escortQPpm = try tighten("escortQPpm", escortQPpm, policy.escortQPpm, atMost: false)
        for t in ProofType.allCases {
            let path = "types.\(t.policyName)", limits = types[t], net = policy[t]
            caps.perProofCap[t] = try tighten("\(path).perProofCap", limits.perProofCap, net.perProofCap, atMost: true)
            caps.perTypeCap[t] = try tighten("\(path).perTypeCap", limits.perTypeCap, net.perTypeCap, atMost: true)
            caps.maxProofs[t] = try tighten("\(path).maxProofs", limits.maxProofs, net.maxProofs, atMost: true)
        }
        return caps
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.gammaCapMicro == b.gammaCapMicro && a.escortQPpm == b.escortQPpm
            && ProofType.allCases.allSatisfy { a.types[$0] == b.types[$0] }
    }
}
