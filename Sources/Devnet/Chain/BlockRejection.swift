import MiningCore
import Verifiers

/// Why a block was refused. Each case names what was wrong in terms a miner can act on.
public enum BlockRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parent is not a known block.
    case unknownParent(parentHash: String)
    /// A header field differs from what the chain expects (`field` is the template path).
    case badField(field: String, expected: String)
    /// `time` is not after the median of the last ancestors' times.
    case timeTooOld(time: UInt64, median: UInt64)
    /// `time` is more than the allowed drift ahead of the node's clock.
    case timeTooNew(time: UInt64, limit: UInt64)
    /// `params.thetaMicro` is not the Θ the retarget rule gives for this height.
    case wrongTheta(got: Int64, expected: Int64)
    /// An attached proof failed its verifier.
    case badProof(index: Int, Rejection)
    /// More proofs of a type than the policy's `maxProofs`.
    case tooManyProofs(type: ProofType, count: Int, max: Int64)
    /// A nullifier repeated in the block or seen on the chain within `nullifierTTL` blocks.
    case replayedNullifier(NullifierReplay)
    /// `S = H + Σψ` is below Θ.
    case insufficientScore(h: Int64, psi: Int64, theta: Int64)
    /// The block is already stored.
    case duplicate

    public var description: String {
        switch self {
        case .unknownParent(let p): return "unknown parent \(p)"
        case .badField(let f, let e): return "header.\(f): expected \(e)"
        case .timeTooOld(let t, let m): return "header.time \(t) must be after the median time \(m) of the last blocks"
        case .timeTooNew(let t, let l): return "header.time \(t) is too far in the future (limit \(l))"
        case .wrongTheta(let g, let e): return "header.params.thetaMicro \(g): expected \(e) from the retarget rule"
        case .badProof(let i, let r): return "proofs[\(i)]: \(r)"
        case .tooManyProofs(let t, let c, let m): return "\(c) \(t.wireId) proofs exceed maxProofs \(m)"
        case .replayedNullifier(let r): return "\(r)"
        case .insufficientScore(let h, let p, let t): return "S = H \(h) + Σψ \(p) = \(h + p) is below Θ \(t)"
        case .duplicate: return "block already known"
        }
    }

    /// A short stable label (logs, metrics, RPC `data`).
    public var label: String {
        switch self {
        case .unknownParent: return "unknown_parent"
        case .badField: return "bad_field"
        case .timeTooOld: return "time_too_old"
        case .timeTooNew: return "time_too_new"
        case .wrongTheta: return "wrong_theta"
        case .badProof: return "bad_proof"
        case .tooManyProofs: return "too_many_proofs"
        case .replayedNullifier: return "replayed_nullifier"
        case .insufficientScore: return "insufficient_score"
        case .duplicate: return "duplicate"
        }
    }
}
