import KeccakCore

/// `ScanCore.chunkedCandidates` compiled for AVX-512 (this module is built with
/// `-target-cpu skylake-avx512` on x86-64; see Package.swift): LLVM vectorises the chunk loop 8
/// nonces wide with `vprolq`/`vpternlogq`, ~7× the portable scalar loop on this machine.
///
/// Calling anything here on a CPU without AVX-512 would stop the process with an illegal
/// instruction, so the CPU check lives in portable code (MiningCore's
/// `NonceScan.Kernel.avx512.isAvailable`, from the CCPUFeatures C target) and this module holds
/// nothing but the kernel.
public enum KeccakAVX512 {
    /// The counters in `counters` whose draw's top word is ≤ `t0`, appended to `out` in order.
    ///
    /// `@_optimize(size)` as on the portable loop: it keeps the SLP vectoriser from packing one
    /// permutation's lanes into vectors, which leaves the loop vectoriser free to run eight whole
    /// nonces side by side — 21.9 M nonces/s per core here against 10.3 M/s without it.
    @_optimize(size)
    public static func candidates(
        _ base: KeccakLanes<UInt64>, _ counters: Range<UInt64>, _ t0: UInt64, _ out: inout [UInt64]
    ) {
        ScanCore.chunkedCandidates(base, counters, t0, &out)
    }
}
