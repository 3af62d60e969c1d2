import CCPUFeatures
import KeccakCoreAVX512

/// The scanner's core loop as pure functions: hash a range of counters for one extranonce2 and
/// return the hits. ``NonceScanner`` runs these on threads; tests call them directly.
public enum NonceScan {
    /// How many nonces one pass of the hot loop hashes side by side, and how.
    ///
    /// `avx512` is the default where the CPU has AVX-512 (F, CD, BW, DQ, VL; checked once with
    /// CPUID): the same loop as `scalar`, compiled in the `KeccakCoreAVX512` module for
    /// `skylake-avx512`, where LLVM vectorises it 8 nonces wide with `vprolq`/`vpternlogq`
    /// (≈ 7× `scalar` on this machine). Elsewhere `scalar` is the default: on the baseline
    /// x86-64 target it runs plain `rol`/`xor`/`and`/`not` on general registers. The explicit
    /// `SIMDn<UInt64>` kernels are correct (tested lane for lane) but measured slower — LLVM
    /// scalarises much of the generic SIMD code — and are kept for `simctl bench hash --kernel`.
    public enum Kernel: String, Sendable, CaseIterable {
        /// One state per permutation on `UInt64` lanes, portable build.
        case scalar
        /// Two states per permutation on `SIMD2<UInt64>` (one SSE2 register per lane).
        case simd2
        /// Four states per permutation on `SIMD4<UInt64>` (one AVX2 register per lane).
        case simd4
        /// Eight states per permutation on `SIMD8<UInt64>` (one AVX-512 register per lane).
        case simd8
        /// The `scalar` loop compiled for AVX-512 (auto-vectorised 8 wide); only where the CPU has it.
        case avx512

        /// The fastest kernel this CPU runs (see above).
        public static let `default`: Kernel = avx512Supported ? .avx512 : .scalar

        /// Whether this CPU can run the kernel (every kernel but `avx512` runs anywhere).
        public var isAvailable: Bool { self != .avx512 || Self.avx512Supported }

        static let avx512Supported = poies_cpu_supports_skylake_avx512() != 0

        public var width: Int {
            switch self {
            case .scalar: return 1
            case .simd2: return 2
            case .simd4: return 4
            case .simd8, .avx512: return 8
            }
        }
    }

    /// Hashes `preimage(extranonce1, extranonce2, c)` for every `c` in `counters` and returns the
    /// draws with `x ≤ targets.share` or `x ≤ targets.block`, in counter order.
    ///
    /// Pure: the same arguments give the same hits whichever kernel runs them.
    public static func scanRange(
        _ midstate: UDrawMidstate, extranonce2: UInt32, counters: Range<UInt64>,
        targets: ScanTargets, kernel: Kernel = .default
    ) -> [ScanHit] {
        guard let either = targets.either, !counters.isEmpty else { return [] }
        let base = midstate.lanes(extranonce2: extranonce2)
        var candidates: [UInt64] = []
        switch kernel {
        case .scalar: candidatesScalar(base, counters, either.w0, &candidates)
        case .simd2: candidatesSIMD2(base, counters, either.w0, &candidates)
        case .simd4: candidatesSIMD4(base, counters, either.w0, &candidates)
        case .simd8: candidatesSIMD8(base, counters, either.w0, &candidates)
        case .avx512:
            // Never the AVX-512 code on a CPU without it (it would die on an illegal instruction).
            if Kernel.avx512Supported {
                KeccakAVX512.candidates(base, counters, either.w0, &candidates)
            } else {
                candidatesScalar(base, counters, either.w0, &candidates)
            }
        }
        return candidates.compactMap { c in
            confirm(midstate, extranonce2: extranonce2, counter: c, targets: targets)
        }
    }

    /// The exact check of one nonce against both targets (the fast loop only filters on the
    /// most significant 64 bits of `x`).
    public static func confirm(
        _ midstate: UDrawMidstate, extranonce2: UInt32, counter: UInt64, targets: ScanTargets
    ) -> ScanHit? {
        let digest = midstate.digest(extranonce2: extranonce2, counter: counter)
        let x = try! ScanTarget(bigEndianBytes: Array(digest[0 ..< 32]))  // 32 bytes by construction
        let isShare = targets.share.map { x <= $0 } ?? false
        let isBlock = targets.block.map { x <= $0 } ?? false
        guard isShare || isBlock else { return nil }
        return ScanHit(
            extranonce1: midstate.extranonce1, extranonce2: extranonce2, counter: counter,
            digest: digest, isShare: isShare, isBlock: isBlock)
    }

    // MARK: - Kernels (the hot loops)

    /// `ScanCore.chunkedCandidates` on the portable target.
    ///
    /// `@_optimize(size)` is there only to keep LLVM's vectorisers away on the default target:
    /// on baseline x86-64 (SSE2, no vector rotate) they pack lanes into XMM registers, where a
    /// rotate costs three instructions instead of one `rol`, and the loop drops from ~4.7 to
    /// ~3.0 M nonces/s per core (thread CPU time, this machine). The permutation is still fully
    /// inlined and unrolled (`@inline(__always)`).
    @_optimize(size)
    static func candidatesScalar(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        ScanCore.chunkedCandidates(base, counters, t0, &out)
    }

    static func candidatesSIMD2(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        let rest = candidatesVector(base, counters, t0, &out, as: SIMD2<UInt64>.self)
        candidatesScalar(base, rest, t0, &out)
    }

    static func candidatesSIMD4(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        let rest = candidatesVector(base, counters, t0, &out, as: SIMD4<UInt64>.self)
        candidatesScalar(base, rest, t0, &out)
    }

    static func candidatesSIMD8(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        let rest = candidatesVector(base, counters, t0, &out, as: SIMD8<UInt64>.self)
        candidatesScalar(base, rest, t0, &out)
    }

    /// `V.scalarCount` consecutive counters per permutation; returns the counters left over
    /// (fewer than one vector) for the scalar loop.
    @inline(__always)
    static func candidatesVector<V: SIMD & KeccakLane>(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64],
        as _: V.Type
    ) -> Range<UInt64> where V.Scalar == UInt64 {
        let n = UInt64(V.scalarCount)
        var vbase = KeccakLanes<V>(repeating: V(keccakBroadcast: 0))
        for i in 0 ..< 25 { vbase[i] = V(keccakBroadcast: base[i]) }
        var offsets = V()
        for j in 0 ..< V.scalarCount { offsets[j] = UInt64(j) }
        let topByte = V(repeating: 0xFF00_0000_0000_0000)

        var c = counters.lowerBound
        let end = counters.upperBound
        while end - c >= n {
            let cv = V(repeating: c) &+ offsets
            var l3 = V()
            for j in 0 ..< V.scalarCount { l3[j] = ScanCore.lane3(counter: cv[j]) }
            var s = vbase
            s.a2 ^= cv & topByte
            s.a3 ^= l3
            KeccakF1600.permuteLanes(&s)
            for j in 0 ..< V.scalarCount where s.a0[j].byteSwapped <= t0 {
                out.append(c &+ UInt64(j))
            }
            c &+= n
        }
        return c ..< end
    }
}
