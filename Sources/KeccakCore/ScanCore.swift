/// The innermost loop of nonce scanning, shared by the portable build (MiningCore's
/// `NonceScan`) and the AVX-512 build of the same source (`KeccakCoreAVX512`).
///
/// It sits below MiningCore so that a second module can compile it for a wider CPU: everything
/// here is `@inlinable`, so each caller's module generates its own machine code with its own
/// target flags, and MiningCore picks one at run time (the CPU check is in `KeccakAVX512`).
public enum ScanCore {
    /// Lane 2's counter byte (the counter's most significant byte at lane 2 byte 7).
    @inlinable @inline(__always)
    public static func lane2(counter: UInt64) -> UInt64 { counter & 0xFF00_0000_0000_0000 }

    /// Lane 3's counter bytes (counter bytes 1..7 at lane 3 bytes 0..6).
    @inlinable @inline(__always)
    public static func lane3(counter: UInt64) -> UInt64 { counter.byteSwapped &>> 8 }

    /// The top 64 bits of `x` for one counter: one permutation; only lane 0 is read, so the
    /// optimiser drops the last round's other 24 lanes.
    @inlinable @inline(__always)
    public static func topWord(_ base: KeccakLanes<UInt64>, _ c: UInt64) -> UInt64 {
        var s = base
        s.a2 ^= lane2(counter: c)
        s.a3 ^= lane3(counter: c)
        KeccakF1600.permuteLanes(&s)
        return s.a0.byteSwapped
    }

    /// How many counters in `start ..< end` draw an `x` whose top word is ≤ `t0`.
    @inlinable @inline(__always)
    public static func countAtOrBelow(_ base: KeccakLanes<UInt64>, _ start: UInt64, _ end: UInt64, _ t0: UInt64) -> Int {
        var n = 0
        var c = start
        while c < end {
            if topWord(base, c) <= t0 { n &+= 1 }
            c &+= 1
        }
        return n
    }

    /// Appends every counter whose `x`'s top 64 bits are ≤ `t0` (a necessary condition for
    /// `x ≤ X` when `t0` is X's top word).
    ///
    /// Chunks of 64 counters go through ``countAtOrBelow``, a loop with no side effects but a
    /// count; only a chunk with a candidate is walked again to find which counter it was. That
    /// shape lets LLVM's loop vectoriser hash 8 nonces per AVX-512 instruction stream when the
    /// calling module targets such a CPU, while a baseline x86-64 caller stays scalar.
    @inlinable @inline(__always)
    public static func chunkedCandidates(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        var c = counters.lowerBound
        let end = counters.upperBound
        while c < end {
            let chunkEnd = end - c > 64 ? c + 64 : end
            if countAtOrBelow(base, c, chunkEnd, t0) > 0 {
                for k in c ..< chunkEnd where topWord(base, k) <= t0 { out.append(k) }
            }
            c = chunkEnd
        }
    }
}
