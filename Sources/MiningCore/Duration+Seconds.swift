extension Duration {
    /// The duration in seconds as a `Double` (rates, sleeps and benchmark reports).
    @inlinable
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
