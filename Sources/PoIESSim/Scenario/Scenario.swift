import MiningCore

/// A validated scenario: everything a replication needs, with defaults filled in.
///
/// Load one with `Scenario.load(path:overrides:)` (file + `--set key.path=value` overrides) or
/// `Scenario.parse(toml:file:overrides:)`; both validate and throw `ScenarioError` with the
/// file, line, key path and what was expected.
public struct Scenario: Sendable {
    public enum Stop: Sendable, Equatable {
        /// Stop after this many main-chain blocks past the warm-up.
        case blocks(Int)
        /// Stop when virtual time reaches this many seconds.
        case duration(Double)
    }

    /// `rate`: block discovery from the closed-form success probability (fast, any size).
    /// `hash`: real Keccak-512 nonce draws (small scenarios; for validating `rate`).
    public enum Mode: String, Sendable { case rate, hash }

    public var file: String
    public var name: String
    public var seed: UInt64
    public var stop: Stop
    public var warmupBlocks: Int
    public var replications: Int
    public var mode: Mode

    public var chain: Chain
    public var network: Network
    public var miners: [MinerGroup]
    public var providers: [ProviderGroup]
    /// `[scenario] description`: what the scenario asks, in a sentence or two, for people (the
    /// run report opens with it; `summary.json` carries it when given).
    public var description: String = ""

    /// The consensus side of a scenario: either the chain document `[chain] chain = "…"` names
    /// (the very file `simctl mine --chain` reads), or the same keys written inline.
    public struct Chain: Sendable {
        /// `"devnet"` or a path (relative paths resolve against the scenario's folder, or against
        /// the chain document's folder when a document names the policy).
        public var policy: String
        public var policyTOML: String
        /// Θ of the first block. From a chain document: its `thetaMicro0` clamped into the bounds
        /// (the node's Θ(1)); inline: as written (the rule decides what an out-of-bounds Θ₀ does).
        public var thetaMicro0: Int64
        public var targetBlockSeconds: Double
        /// What a canonical block pays its finder (any unit; `miners.csv` reports revenue in it).
        public var blockReward: Double
        /// The retarget rule and its parameters, validated when the scenario was loaded: the
        /// document's `[retarget]`, or `[chain.retarget]` with `T`/`targetBlockMs` and the Θ bounds
        /// filled in from the `[chain]` keys.
        public var retarget: RetargetRuleConfig
        /// `retarget`, built (the engine steps it per block).
        public var rule: AnyRetargetRule
        /// The chain document `[chain] chain` names, and the path it was read from (`nil` inline).
        public var document: ChainDocument?
        public var documentPath: String?
        /// The slow α tuner of spec §7; `nil` keeps the policy's fixed α.
        public var alphaTuner: AlphaTunerSpec?

        /// The canonical rule name (`ema-v1`, `asert-v1`, `window`, `fixed`).
        public var retargetRule: String { retarget.ruleName }
        /// `[Θmin, Θmax]` of the rule (`nil` for `fixed`).
        public var thetaBounds: ClosedRange<Int64>? { retarget.thetaBounds }
    }

    public struct AlphaTunerSpec: Sendable, Equatable {
        public var cooldown: Int
        /// Target share of units per type in ppm, keyed by policy type name.
        public var targetPpm: [ProofType: Int64]
    }

    public struct Network: Sendable {
        /// Block propagation delay to each miner group (seconds); `.fixed(0)` means one shared tip.
        public var propagation: Distribution
        /// A block is final (rows are written, orphans decided) once the best tip is this many
        /// blocks above it.
        public var finalityDepth: Int
        /// Whether every group always mines on the same tip (no delay anywhere and no group
        /// withholding blocks).
        public var isInstant: Bool = true
    }

    public enum Strategy: Sendable, Equatable {
        case steady
        /// Mines only while Θ < threshold × (moving average of Θ over `window` blocks).
        case greedy(threshold: Double, window: Int)
        /// Block withholding (Eyal–Sirer selfish mining adapted to PoIES fork choice): mines on a
        /// private tip and publishes only to beat a competing block. Forces network mode. See
        /// docs/decisions/withholding.md.
        case withholding
    }

    public struct ScheduleStep: Sendable, Equatable {
        public var at: Double
        /// Per-miner hashrate from `at` on (a ramp ends at it after `over` seconds).
        public var hashrate: Double
        /// Ramp length in seconds (0: a step).
        public var over: Double
        /// Number of discrete steps a ramp is split into.
        public var steps: Int
    }

    public struct MinerGroup: Sendable {
        public var name: String
        public var count: Int
        /// Hashes per second, each miner.
        public var hashrate: Double
        public var strategy: Strategy
        public var schedule: [ScheduleStep]
        public var join: Double
        public var leave: Double?
        /// Overrides `[network] propagation` for blocks reaching this group.
        public var propagation: Distribution?
        /// Whether this group buys proofs from market providers.
        public var buysFromMarket: Bool
        /// The most it pays for one market proof (`nil`: any price): pricier proofs are not candidates.
        public var maxPrice: Double? = nil
    }

    public struct ProviderGroup: Sendable {
        public var type: ProofType
        public var count: Int
        /// Miner group name, or `"market"`.
        public var owner: String
        /// In `blockReward` units. A market proof costs its buyer `price` when the buyer attaches
        /// it to a block it finds; a group's own provider costs the group `price` per proof
        /// produced (running the farm), honest or not.
        public var price: Double
        /// Time between two proofs of one provider (seconds): exponential (rate) or fixed (interval).
        public var production: Production
        public var metrics: [String: Distribution]
        public var latency: Distribution
        /// Probability that a proof is honest; a dishonest proof fails verification.
        public var honest: Double
        /// Seconds a proof stays usable after it arrives (`nil`: until used).
        public var validity: Double?
    }

    public enum Production: Sendable, Equatable {
        case rate(Double)
        case interval(Double)
    }

    public var targetBlockSeconds: Double { chain.targetBlockSeconds }

    /// Whether any proof provider exists (hash-only scenarios skip the selector entirely).
    public var hasProviders: Bool { !providers.isEmpty }
}

