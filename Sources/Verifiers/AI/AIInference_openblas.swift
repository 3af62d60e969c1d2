import COpenBLAS

/// Integer-valued inference with OpenBLAS `cblas_dgemm`: `rows × n0` inputs through each layer,
/// ReLU on hidden layers. Exact when the model's `isExact` holds (checked by callers).
public enum AIInference {
    /// Runs `input` (row-major, `rows × layers[0]`) and returns the `rows × layers.last` outputs.
    public static func run(model: AIModel, weights: [[Double]], input: [Double], rows: Int) -> [Double] {
        precondition(model.isExact, "model exceeds the exact-arithmetic bound")
        precondition(input.count == rows * model.layers[0])
        var x = input
        for k in 0..<(model.layers.count - 1) {
            let kDim = model.layers[k], nDim = model.layers[k + 1]
            var y = [Double](repeating: 0, count: rows * nDim)
            if rows > 0 {
                x.withUnsafeBufferPointer { a in
                    weights[k].withUnsafeBufferPointer { b in
                        y.withUnsafeMutableBufferPointer { c in
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                        blasint(rows), blasint(nDim), blasint(kDim),
                                        1.0, a.baseAddress, blasint(kDim),
                                        b.baseAddress, blasint(nDim),
                                        0.0, c.baseAddress, blasint(nDim))
                        }
                    }
                }
            }
            if k < model.layers.count - 2 {
                for i in y.indices where y[i] < 0 { y[i] = 0 }
            }
            x = y
        }
        return x
    }
}
