/// A 256-bit scan threshold `X`: a draw qualifies when its `x` (the big-endian integer of the first
/// 32 digest bytes) satisfies `x ≤ X` (spec section 3, "Thresholds").
///
/// Held as four 64-bit words, most significant first, so the scanner's compare is at most four
/// integer compares — and almost always the first one decides.
public struct ScanTarget: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Big-endian words: `w0` is the most significant.
    public let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    public init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Why bytes are not a target.
    public enum InputError: Error, Equatable, CustomStringConvertible {
        case wrongLength(Int)
        public var description: String {
            switch self {
            case .wrongLength(let n): return "target: expected 32 big-endian bytes, got \(n)"
            }
        }
    }

    /// The target from its 32 big-endian bytes (as X(t) is written on the wire).
    public init(bigEndianBytes b: [UInt8]) throws(InputError) {
        guard b.count == 32 else { throw .wrongLength(b.count) }
        func word(_ k: Int) -> UInt64 {
            var w: UInt64 = 0
            for j in 0 ..< 8 { w = (w << 8) | UInt64(b[8 * k + j]) }
            return w
        }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// The target `2^256 − 1`: every draw qualifies (X(0)).
    public static let max = ScanTarget(w0: .max, w1: .max, w2: .max, w3: .max)

    public var bigEndianBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for j in 0 ..< 8 { out.append(UInt8(truncatingIfNeeded: w >> UInt64(56 - 8 * j))) }
        }
        return out
    }

    public var description: String { Hex.encode(bigEndianBytes) }

    public static func < (a: ScanTarget, b: ScanTarget) -> Bool {
        if a.w0 != b.w0 { return a.w0 < b.w0 }
        if a.w1 != b.w1 { return a.w1 < b.w1 }
        if a.w2 != b.w2 { return a.w2 < b.w2 }
        return a.w3 < b.w3
    }

    /// `x ≤ self` for `x` given as its four big-endian words.
    @inlinable @inline(__always)
    public func admits(_ x0: UInt64, _ x1: UInt64, _ x2: UInt64, _ x3: UInt64) -> Bool {
        if x0 != w0 { return x0 < w0 }
        if x1 != w1 { return x1 < w1 }
        if x2 != w2 { return x2 < w2 }
        return x3 <= w3
    }

    /// `x ≤ self` for `x` given as 32 big-endian bytes.
    public func admits(bigEndianBytes x: [UInt8]) -> Bool {
        guard let t = try? ScanTarget(bigEndianBytes: x) else { preconditionFailure("x must be 32 bytes") }
        return t <= self
    }
}

/// The two thresholds a miner scans against. `nil` means "no x qualifies" (X(t) = −1).
public struct ScanTargets: Sendable, Equatable {
    /// X(tShare): a draw with `x ≤ share` is a share.
    public let share: ScanTarget?
    /// X(Θ − Σψ): a draw with `x ≤ block` makes a block.
    public let block: ScanTarget?
    /// The larger of the two: the scanner's single fast filter.
    public let either: ScanTarget?

    public init(share: ScanTarget?, block: ScanTarget?) {
        self.share = share
        self.block = block
        switch (share, block) {
        case (nil, nil): either = nil
        case (let s?, nil): either = s
        case (nil, let b?): either = b
        case (let s?, let b?): either = Swift.max(s, b)
        }
    }

    /// Both targets as 32 big-endian bytes each (or nil).
    public init(shareBytes: [UInt8]?, blockBytes: [UInt8]?) throws(ScanTarget.InputError) {
        let s = try shareBytes.map { (b) throws(ScanTarget.InputError) in try ScanTarget(bigEndianBytes: b) }
        let b = try blockBytes.map { (b) throws(ScanTarget.InputError) in try ScanTarget(bigEndianBytes: b) }
        self.init(share: s, block: b)
    }
}
