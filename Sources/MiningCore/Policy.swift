/// A PoIES policy (spec §7): the caps, ψ coefficients and α weights per proof type, Γ, the escort
/// share, nullifier TTL, VDF limits and the allowed provider keys.
///
/// A `Policy` is made by parsing TOML (`Policy(toml:)`) or the same tree as JSON
/// (`Policy(json:)`); both validate every key and keep the document's tree as written, because
/// `poiesPolicyRoot` commits to that tree (not to a re-rendering of the parsed fields). The
/// built-in devnet default is `Policy.devnet`.
public struct Policy: Sendable, Equatable {
    /// Per-type settings of `[types.NAME]`.
    public struct TypePolicy: Sendable, Equatable, Hashable {
        /// Largest ψ one proof may contribute, µ-nats.
        public var perProofCap: Int64
        /// Largest ψ all proofs of the type may contribute before the escort rule, µ-nats.
        public var perTypeCap: Int64
        /// Most proofs of the type a block may carry.
        public var maxProofs: Int64
        /// Fairness weight α in 10^9 fixed point (10^9 = 1.0).
        public var alpha: Int64
        /// The type's scale `k` of §4, ppm.
        public var kPpm: Int64
        /// AI/QUANTUM trap ramp bounds, ppm (nil for other types).
        public var trapsLowPpm: Int64?
        public var trapsHighPpm: Int64?
        /// STORAGE availability exponent and retrieval bonus, ppm (nil for other types).
        public var availExpPpm: Int64?
        public var retrievalBonusPpm: Int64?

        public init(perProofCap: Int64, perTypeCap: Int64, maxProofs: Int64, alpha: Int64, kPpm: Int64,
                    trapsLowPpm: Int64? = nil, trapsHighPpm: Int64? = nil,
                    availExpPpm: Int64? = nil, retrievalBonusPpm: Int64? = nil) {
            self.perProofCap = perProofCap
            self.perTypeCap = perTypeCap
            self.maxProofs = maxProofs
            self.alpha = alpha
            self.kPpm = kPpm
            self.trapsLowPpm = trapsLowPpm
            self.trapsHighPpm = trapsHighPpm
            self.availExpPpm = availExpPpm
            self.retrievalBonusPpm = retrievalBonusPpm
        }
    }

    /// Settings of the optional `[alphaTuner]` table (§7): retune every `cooldown` blocks
    /// towards `targetPpm` shares per type.
    public struct AlphaTunerSettings: Sendable, Equatable, Hashable {
        public var cooldown: Int64
        public var targetPpm: [ProofType: Int64]
        public init(cooldown: Int64, targetPpm: [ProofType: Int64]) {
            self.cooldown = cooldown
            self.targetPpm = targetPpm
        }
    }

    /// `version` (1; optional in the document, defaults to 1).
    public var version: Int64
    /// Γ: the most Σψ a block can be credited, µ-nats.
    public var gammaCapMicro: Int64
    /// Escort share q in ppm: no single type may fill more than (1 − q)·Γ.
    public var escortQPpm: Int64
    /// A nullifier seen within this many blocks makes a block invalid.
    public var nullifierTTL: Int64
    public var vdfItersPerSecond: Int64
    public var vdfMaxT: Int64
    /// Names of the allowed VDF moduli (`rsa2048`).
    public var vdfModuli: [String]
    /// Allowed provider Ed25519 public keys (32-byte hex) per useful-work type.
    public var aiProviders: [String]
    public var quantumProviders: [String]
    public var storageProviders: [String]
    public var types: PerType<TypePolicy>
    /// The optional α tuner; nil when the document has no `[alphaTuner]` (α fixed by the policy).
    public var alphaTuner: AlphaTunerSettings?

    /// The document's tree exactly as written (what `poiesPolicyRoot` commits to). Changing a field
    /// above does not change this tree; build a new document to get a new root.
    public let tree: JSONValue

    /// The type's settings.
    @inlinable public subscript(type: ProofType) -> TypePolicy { types[type] }

    /// Effective per-type cap after the escort rule (§5 step 2):
    /// `min(perTypeCap, floor(Γ·(10^6 − q)/10^6))`.
    @inlinable public func effectiveTypeCap(_ type: ProofType) -> Int64 {
        CapsPolicy.effectiveTypeCap(perTypeCap: types[type].perTypeCap, gammaCapMicro: gammaCapMicro,
                                    escortQPpm: escortQPpm)
    }

    /// The caps part of the policy, what `Credit` needs.
    public var caps: CapsPolicy {
        CapsPolicy(gammaCapMicro: gammaCapMicro, escortQPpm: escortQPpm,
                   perProofCap: types.map(\.perProofCap), perTypeCap: types.map(\.perTypeCap),
                   maxProofs: types.map(\.maxProofs))
    }

    /// Canonical JSON of the tree (sorted keys, compact, UTF-8).
    public var canonicalJSON: String { tree.canonical }

    /// `poiesPolicyRoot` = SHA3-256(canonical JSON of the tree), spec §7; computed once.
    public let root: [UInt8]

    /// Assembles a policy from an already validated tree (used by the parsers).
    init(version: Int64, gammaCapMicro: Int64, escortQPpm: Int64, nullifierTTL: Int64,
         vdfItersPerSecond: Int64, vdfMaxT: Int64, vdfModuli: [String], aiProviders: [String],
         quantumProviders: [String], storageProviders: [String], types: PerType<TypePolicy>,
         alphaTuner: AlphaTunerSettings?, tree: JSONValue) {
        self.version = version
        self.gammaCapMicro = gammaCapMicro
        self.escortQPpm = escortQPpm
        self.nullifierTTL = nullifierTTL
        self.vdfItersPerSecond = vdfItersPerSecond
        self.vdfMaxT = vdfMaxT
        self.vdfModuli = vdfModuli
        self.aiProviders = aiProviders
        self.quantumProviders = quantumProviders
        self.storageProviders = storageProviders
        self.types = types
        self.alphaTuner = alphaTuner
        self.tree = tree
        self.root = SHA3_256.hash(tree.canonicalBytes)
    }
}
