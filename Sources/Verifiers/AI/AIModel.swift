import MiningCore

/// A deterministic model of spec section 8: `(modelId, seed, layer sizes)`. Any node rebuilds the
/// same weights, so trap answers can be recomputed exactly.
///
/// - Weights are integers in [−2, 2]: byte `b` of the SHA3-256 counter-mode stream
///   `SHA3-256("animica:ai:weights:v1" ‖ seed ‖ u32(ctr))`, ctr = 0, 1, …, maps to `b mod 5 − 2`;
///   layer 0's `n0 × n1` matrix first (row-major), then layer 1's, and so on.
/// - Inputs are integers in [0, 15]; hidden layers apply ReLU, the output layer does not.
/// - Exactness: with `B0 = 15` and `B(k+1) = B(k) · n(k) · 2`, every partial sum of layer k's
///   products is bounded by `B(k+1)` in absolute value. When every `B(k) < 2^53`, all `Double`
///   products and sums are exact integers, so OpenBLAS `dgemm` (any summation order, any kernel)
///   returns the same integers on every machine. Models violating the bound are refused.
public struct AIModel: Sendable, Equatable {
    public static let maxWeight = 2
    public static let maxInput = 15
    public static let layerCountRange = 2...8
    public static let layerSizeRange = 1...1024
    /// 2^53: the largest magnitude below which every integer is a `Double`.
    public static let exactLimit: Double = 9_007_199_254_740_992

    public let modelId: String
    public let seed: [UInt8]
    public let layers: [Int]

    public init(modelId: String, seed: [UInt8], layers: [Int]) {
        self.modelId = modelId
        self.seed = seed
        self.layers = layers
    }

    /// The canonical JSON `{"layers":[…],"modelId":"…","seed":"0x…"}` (also the body's `model`).
    public var json: JSONValue {
        ["modelId": .string(modelId), "seed": .string(Hex.encode(seed)),
         "layers": .array(layers.map { .int(Int64($0)) })]
    }

    /// `modelDigest = SHA3-256(canonical JSON of the model object)`.
    public var digest: [UInt8] { SHA3_256.hash(json.canonicalBytes) }

    /// Multiply-adds for one input row: Σ n(k) · n(k+1).
    public var macsPerRow: UInt64 {
        zip(layers, layers.dropFirst()).reduce(0) { $0 + UInt64($1.0) * UInt64($1.1) }
    }

    /// The largest activation bound `B(k)` over all layers (see the type's comment).
    public var activationBound: Double {
        var b = Double(Self.maxInput), worst = b
        for n in layers.dropLast() {
            b *= Double(n) * Double(Self.maxWeight)
            worst = max(worst, b)
        }
        return worst
    }

    /// True when all arithmetic stays exact in `Double`.
    public var isExact: Bool { activationBound < Self.exactLimit }

    /// The weight matrices, row-major `n(k) × n(k+1)`, as exact integer-valued doubles.
    public func weights() -> [[Double]] {
        var stream = HashStream(domain: "animica:ai:weights:v1", key: seed)
        return zip(layers, layers.dropFirst()).map { (a, b) in
            (0..<(a * b)).map { _ in Double(Int(stream.next() % 5) - Self.maxWeight) }
        }
    }
}

/// SHA3-256 in counter mode: block `ctr` is `SHA3-256(domain ‖ key ‖ u32(ctr))`; bytes are
/// consumed in order. Deterministic and cheap enough for dev-size models and trap inputs.
struct HashStream {
    private let prefix: [UInt8]
    private var ctr: UInt32 = 0
    private var block: [UInt8] = []
    private var pos = 0

    init(domain: String, key: [UInt8]) {
        prefix = Array(domain.utf8) + key
    }

    mutating func next() -> UInt8 {
        if pos == block.count {
            block = SHA3_256.hash(parts: [prefix, BE.u32(ctr)])
            ctr &+= 1
            pos = 0
        }
        defer { pos += 1 }
        return block[pos]
    }
}
