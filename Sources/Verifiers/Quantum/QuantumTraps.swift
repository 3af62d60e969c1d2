import MiningCore

/// Trap commitments of the quantum proof: leaf `i` is `trapSeedCommit ‖ u32(i) ‖ u16(outcome)`,
/// where `outcome` is the bitstring whose shot count the provider reports for trap `i`.
public enum QuantumTraps {
    public static func root(trapSeedCommit: [UInt8], outcomes: [UInt16]) -> [UInt8] {
        BinaryMerkle.root(leafHashes: outcomes.enumerated().map { i, o in
            BinaryMerkle.leafHash(trapSeedCommit + BE.u32(UInt32(i)) + BE.u16(o))
        })
    }

    /// The trap circuits a body's trapSeed, width and depth imply.
    public static func circuits(trapSeed: [UInt8], count: Int, width: Int, depth: Int) -> [ReversibleCircuit] {
        (0..<count).map { ReversibleCircuit.trap(trapSeed: trapSeed, index: UInt32($0), width: width, depth: depth) }
    }
}
