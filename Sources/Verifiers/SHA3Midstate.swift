import MiningCore

/// SHA3-256 (FIPS 202, padding 0x06) over `prefix ‖ suffix` for many short suffixes after one
/// long prefix: the prefix's full 136-byte blocks are absorbed once, and each suffix costs one
/// state copy and (usually) one Keccak-f[1600] permutation.
///
/// Why not OpenSSL here: HashToPrime hashes ~800 bytes of input with ~44 counters on average, and
/// `EVP_MD_CTX_copy_ex` allocates a provider context per copy (~0.7 µs, more than the permutation).
/// Cross-checked against OpenSSL's SHA3-256 in the tests. Owned by one workspace; not thread-safe.
final class SHA3Midstate: @unchecked Sendable {
    static let rate = 136

    /// State after the prefix's full blocks.
    private let base = UnsafeMutablePointer<UInt64>.allocate(capacity: 25)
    private let work = UnsafeMutablePointer<UInt64>.allocate(capacity: 25)
    /// Prefix bytes after the last full block (< rate), plus room for a suffix and padding.
    private let tail = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * rate)
    private var tailCount = 0
    /// State after the prefix and the first suffix bytes that complete its last block.
    private let cacheState = UnsafeMutablePointer<UInt64>.allocate(capacity: 25)
    private var cacheKey: [UInt8] = []
    private var cacheValid = false

    init() { reset() }

    deinit {
        base.deallocate()
        work.deallocate()
        cacheState.deallocate()
        tail.deallocate()
    }

    /// Starts a new prefix.
    func reset(prefix parts: [UInt8]...) {
        base.update(repeating: 0, count: 25)
        tailCount = 0
        cacheValid = false
        for p in parts { absorb(p) }
    }

    func absorb(_ bytes: [UInt8]) {
        cacheValid = false
        for b in bytes {
            tail[tailCount] = b
            tailCount += 1
            if tailCount == Self.rate {
                Self.xorBlock(tail, into: base)
                Self.permute(base)
                tailCount = 0
            }
        }
    }

    /// SHA3-256(prefix ‖ suffix) into `out` (32 bytes). The suffix must be shorter than the rate.
    ///
    /// When the suffix spills into a second block, the first block (prefix tail + the suffix's
    /// leading bytes) is cached: HashToPrime's counters are u64 big-endian, so their high bytes
    /// repeat and each counter costs one permutation instead of two.
    func digest(suffix: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        precondition(suffix.count < Self.rate)
        let spill = tailCount + suffix.count + 1 > Self.rate
        var rest = suffix[...]
        if spill {
            let fill = Self.rate - tailCount
            let head = suffix[..<fill]
            if !(cacheValid && cacheKey.elementsEqual(head)) {
                cacheState.update(from: base, count: 25)
                for (k, b) in head.enumerated() { tail[tailCount + k] = b }
                Self.xorBlock(tail, into: cacheState)
                Self.permute(cacheState)
                cacheKey = Array(head)
                cacheValid = true
            }
            work.update(from: cacheState, count: 25)
            rest = suffix[fill...]
        } else {
            work.update(from: base, count: 25)
        }
        let block = spill ? tail + Self.rate : tail
        var n = spill ? 0 : tailCount
        for b in rest {
            block[n] = b
            n += 1
        }
        (block + n).update(repeating: 0, count: Self.rate - n)
        block[n] ^= 0x06
        block[Self.rate - 1] ^= 0x80
        Self.xorBlock(block, into: work)
        Self.permute(work)
        for i in 0..<4 {
            let lane = work[i]
            for j in 0..<8 { out[8 * i + j] = UInt8(truncatingIfNeeded: lane >> UInt64(8 * j)) }
        }
    }

    @inline(__always)
    private static func xorBlock(_ block: UnsafeMutablePointer<UInt8>, into s: UnsafeMutablePointer<UInt64>) {
        for i in 0..<(rate / 8) {
            var lane: UInt64 = 0
            for j in 0..<8 { lane |= UInt64(block[8 * i + j]) << UInt64(8 * j) }
            s[i] ^= lane
        }
    }

    /// Keccak-f[1600] in place: MiningCore's permutation (one implementation for the u-draw,
    /// Keccak-512 and this SHA3-256 midstate).
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        var lanes = KeccakLanes<UInt64>()
        for i in 0..<25 { lanes[i] = s[i] }
        KeccakF1600.permute(&lanes)
        for i in 0..<25 { s[i] = lanes[i] }
    }
}
