/// Integer thresholds of spec section 3: `X(t)` is the largest `x` with `H(x) ≥ t`.
///
/// A scanner never evaluates `H` per nonce: it compares the first 32 digest bytes (big-endian)
/// against `X(t)`, which agrees exactly with `H(x) ≥ t` because `H` is non-increasing in `x`.
public enum Threshold {
    /// `X(t)` as 32 big-endian bytes, or `nil` when no `x` reaches `t` (`t > H(0)`, the spec's
    /// `X(t) = −1`). `X(t) = 2^256 − 1` for every `t ≤ 0`.
    public static func X(t: Int64) -> [UInt8]? {
        HashLuckContext.forCurrentThread.X(t: t)
    }

    /// `X(t)` on the wire: `"0x"` + 64 hex digits, or `"-1"`.
    public static func hex(_ x: [UInt8]?) -> String {
        guard let x else { return "-1" }
        return Hex.encode(x)
    }

    /// Whether a digest's first 32 bytes (`x`, big-endian) meet the threshold: `x ≤ X`.
    /// Lexicographic order of equal-length big-endian byte strings is numeric order.
    @inlinable
    public static func meets(_ x: some Collection<UInt8>, _ threshold: [UInt8]?) -> Bool {
        guard let threshold else { return false }
        precondition(x.count == 32 && threshold.count == 32, "compare 32-byte big-endian values")
        return !threshold.lexicographicallyPrecedes(x)
    }
}
