import MiningCore
import Synchronization
import Verifiers

/// One of the miner's own proofs as the miner knows it: an AI, quantum, storage or VDF proof
/// with the ψ the node answered when it held it, or a hash share with its `d_ratio_ppm` (the node
/// keeps a deep accepted share as a `hashshare:v1` proof and does not say so; its ψ is the
/// node's policy applied to that ratio).
public struct OwnProofNote: Sendable, Equatable {
    public var nullifier: [UInt8]
    public var type: ProofType
    public var psiRawMicro: Int64?
    public var dRatioPpm: Int64?

    public init(nullifier: [UInt8], type: ProofType, psiRawMicro: Int64? = nil, dRatioPpm: Int64? = nil) {
        self.nullifier = nullifier
        self.type = type
        self.psiRawMicro = psiRawMicro
        self.dRatioPpm = dRatioPpm
    }

    public var json: JSONValue {
        var o: [String: JSONValue] = ["nullifier": .string(Hex.encode(nullifier)), "type": .string(type.nullifierName)]
        if let psiRawMicro { o["psiRawMicro"] = .int(psiRawMicro) }
        if let dRatioPpm { o["dRatioPpm"] = .int(dRatioPpm) }
        return .object(o)
    }
}

/// The miner's own proofs by nullifier, so a job whose hints list them (its own job, spec v1.1
/// §9) can be reported with what they are worth — how a run's log shows the Σψ each job carried.
/// A job can arrive before the answer to the proof it carries (the node issues it while holding
/// the proof), so a job event may miss a note a later one has; each note names its nullifier.
/// Bounded: the oldest notes go first (hash shares live one height, proofs until a block).
final class OwnProofNotes: Sendable {
    static let capacity = 4096
    private struct State {
        var notes: [[UInt8]: OwnProofNote] = [:]
        var order: [[UInt8]] = []
    }
    private let state = Mutex(State())

    func note(_ note: OwnProofNote) {
        state.withLock { s in
            if s.notes.updateValue(note, forKey: note.nullifier) == nil { s.order.append(note.nullifier) }
            if s.order.count > Self.capacity {
                for n in s.order.prefix(s.order.count - Self.capacity) { s.notes[n] = nil }
                s.order.removeFirst(s.order.count - Self.capacity)
            }
        }
    }

    /// An accepted share: the `hashshare:v1` proof the node may keep for it (same envelope, same
    /// nullifier as the node computes).
    func noteShare(_ template: HeaderTemplate, _ nonce: Nonce) {
        let e = HashShareProof.envelope(template: template, nonce: nonce, chainId: template.chainId)
        guard case .int(let d)? = e.body["d_ratio_ppm"] else { return }
        note(OwnProofNote(nullifier: e.nullifier, type: .hashShare, dRatioPpm: d))
    }

    /// The notes of the nullifier hints among `hints` (`0x…`; type hints are skipped).
    func lookup(_ hints: [String]) -> [OwnProofNote] {
        let keys = hints.compactMap { try? Hex.decode($0, bytes: 32) }
        guard !keys.isEmpty else { return [] }
        return state.withLock { s in keys.compactMap { s.notes[$0] } }
    }
}
