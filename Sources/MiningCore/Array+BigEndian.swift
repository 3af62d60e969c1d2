extension Array where Element == UInt8 {
    /// Appends `v` as unsigned big-endian bytes (spec section 1).
    @inlinable
    mutating func appendBigEndian<T: FixedWidthInteger & UnsignedInteger>(_ v: T) {
        var be = v.bigEndian
        Swift.withUnsafeBytes(of: &be) { self.append(contentsOf: $0) }
    }
}
