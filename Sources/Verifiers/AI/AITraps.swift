import MiningCore

/// Trap inputs and answers of the AI proof (spec section 8). Everything derives from `trapSeed`,
/// which the provider commits to (`trapSeedCommit = SHA3-256(trapSeed)`) and later reveals.
public enum AITraps {
    /// Row `i` of the trap inputs: `layers[0]` values in [0, 15] from the stream
    /// `SHA3-256("animica:ai:trap:v1" ‖ trapSeed ‖ u32(i) ‖ u32(ctr))` (low nibble of each byte).
    public static func input(trapSeed: [UInt8], index: UInt32, width: Int) -> [Double] {
        var s = HashStream(domain: "animica:ai:trap:v1", key: trapSeed + BE.u32(index))
        return (0..<width).map { _ in Double(s.next() & 0x0f) }
    }

    /// All trap inputs, row-major.
    public static func inputs(trapSeed: [UInt8], count: Int, width: Int) -> [Double] {
        (0..<count).flatMap { input(trapSeed: trapSeed, index: UInt32($0), width: width) }
    }

    /// Digest of one output row: SHA3-256 of its values as i64 big-endian.
    public static func answerDigest<C: Collection>(_ row: C) -> [UInt8] where C.Element == Double {
        SHA3_256.hash(row.flatMap { BE.i64(Int64($0)) })
    }

    /// Digest of a whole matrix: SHA3-256(u32(rows) ‖ u32(cols) ‖ values as i64 big-endian).
    public static func matrixDigest(_ m: [Double], rows: Int, cols: Int) -> [UInt8] {
        SHA3_256.hash(BE.u32(UInt32(rows)) + BE.u32(UInt32(cols)) + m.flatMap { BE.i64(Int64($0)) })
    }

    /// Trap leaf data: `trapSeedCommit ‖ u32(i) ‖ answerDigest` (so the signed `trapRoot` also
    /// binds the commitment); hashed with the section 8 leaf/node rule.
    public static func root(trapSeedCommit: [UInt8], answers: [[UInt8]]) -> [UInt8] {
        BinaryMerkle.root(leafHashes: answers.enumerated().map { i, a in
            BinaryMerkle.leafHash(trapSeedCommit + BE.u32(UInt32(i)) + a)
        })
    }

    /// The correct answers, recomputed by running the model on every trap input.
    public static func correctAnswers(model: AIModel, weights: [[Double]], trapSeed: [UInt8], count: Int) -> [[UInt8]] {
        let inputs = inputs(trapSeed: trapSeed, count: count, width: model.layers[0])
        let out = AIInference.run(model: model, weights: weights, input: inputs, rows: count)
        let w = model.layers.last!
        return (0..<count).map { answerDigest(out[($0 * w)..<(($0 + 1) * w)]) }
    }
}
