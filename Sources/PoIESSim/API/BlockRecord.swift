/// One block as written to `blocks.csv` (columns in this order):
/// `replication, height, time_s, miner, theta_micro, h_micro, psi_credited_micro,
/// psi_hashshare_micro, psi_ai_micro, psi_quantum_micro, psi_storage_micro, psi_vdf_micro,
/// interval_s, orphaned`.
///
/// `miner` is the miner group's name; `interval_s` is the time since the parent block; warm-up
/// blocks are included (their height is below `warmupBlocks`) but not counted in the summary.
public struct BlockRecord: Sendable, Equatable {
    public var replication: Int
    public var height: Int
    public var time: Double
    public var minerGroup: Int
    public var thetaMicro: Int64
    public var hMicro: Int64
    public var psiCreditedMicro: Int64
    /// Credited ψ by proof type, in `ProofType.allCases` order (hashshare, ai, quantum, storage, vdf).
    public var psiByType: (Int64, Int64, Int64, Int64, Int64)
    public var interval: Double
    public var orphaned: Bool

    public static let csvHeader = "replication,height,time_s,miner,theta_micro,h_micro,psi_credited_micro,psi_hashshare_micro,psi_ai_micro,psi_quantum_micro,psi_storage_micro,psi_vdf_micro,interval_s,orphaned"

    public static func == (a: BlockRecord, b: BlockRecord) -> Bool {
        a.replication == b.replication && a.height == b.height && a.time == b.time && a.minerGroup == b.minerGroup
            && a.thetaMicro == b.thetaMicro && a.hMicro == b.hMicro && a.psiCreditedMicro == b.psiCreditedMicro
            && a.psiByType == b.psiByType && a.interval == b.interval && a.orphaned == b.orphaned
    }
}

/// Receives blocks as a replication produces them (rows are never held in memory).
public protocol BlockSink {
    mutating func block(_ b: BlockRecord)
    /// Whether `block` uses its rows. A sink that discards them lets the engine skip what only a
    /// row holds (a block's H draws from its own stream and feeds nothing else). Default true.
    static var wantsRecords: Bool { get }
}

extension BlockSink {
    public static var wantsRecords: Bool { true }
}

/// Discards rows (`--outputs summary`).
public struct NullBlockSink: BlockSink {
    public static var wantsRecords: Bool { false }
    public init() {}
    @inline(__always) public mutating func block(_ b: BlockRecord) {}
}

/// Collects rows in memory (tests and small runs).
public struct ArrayBlockSink: BlockSink {
    public var blocks: [BlockRecord] = []
    public init() {}
    public mutating func block(_ b: BlockRecord) { blocks.append(b) }
}
