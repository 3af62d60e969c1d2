/// Fork choice: the tip with the larger cumulative `S = H + Σψ` wins; then the greater height;
/// then the smaller hash (bytewise), so every node picks the same tip from the same blocks.
public enum ForkChoice {
    /// Whether `a` is preferred over `b`.
    public static func prefers(_ a: BlockRecord, over b: BlockRecord) -> Bool {
        if a.cumulativeScore != b.cumulativeScore { return a.cumulativeScore > b.cumulativeScore }
        if a.height != b.height { return a.height > b.height }
        return a.hash.lexicographicallyPrecedes(b.hash)
    }
}
