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

    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    @inline(__always)
    private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    /// Keccak-f[1600] in place, fully unrolled over 25 local lanes (generated; lane (x, y) is
    /// `s[x + 5y]`, θ/ρ/π fused, then χ and ι).
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        var a0 = s[0]
        var a1 = s[1]
        var a2 = s[2]
        var a3 = s[3]
        var a4 = s[4]
        var a5 = s[5]
        var a6 = s[6]
        var a7 = s[7]
        var a8 = s[8]
        var a9 = s[9]
        var a10 = s[10]
        var a11 = s[11]
        var a12 = s[12]
        var a13 = s[13]
        var a14 = s[14]
        var a15 = s[15]
        var a16 = s[16]
        var a17 = s[17]
        var a18 = s[18]
        var a19 = s[19]
        var a20 = s[20]
        var a21 = s[21]
        var a22 = s[22]
        var a23 = s[23]
        var a24 = s[24]
        for round in 0..<24 {
            let c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20
            let c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21
            let c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22
            let c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23
            let c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24
            let d0 = c4 ^ rotl(c1, 1)
            let d1 = c0 ^ rotl(c2, 1)
            let d2 = c1 ^ rotl(c3, 1)
            let d3 = c2 ^ rotl(c4, 1)
            let d4 = c3 ^ rotl(c0, 1)
            let b0 = (a0 ^ d0)
            let b16 = rotl((a5 ^ d0), 36)
            let b7 = rotl((a10 ^ d0), 3)
            let b23 = rotl((a15 ^ d0), 41)
            let b14 = rotl((a20 ^ d0), 18)
            let b10 = rotl((a1 ^ d1), 1)
            let b1 = rotl((a6 ^ d1), 44)
            let b17 = rotl((a11 ^ d1), 10)
            let b8 = rotl((a16 ^ d1), 45)
            let b24 = rotl((a21 ^ d1), 2)
            let b20 = rotl((a2 ^ d2), 62)
            let b11 = rotl((a7 ^ d2), 6)
            let b2 = rotl((a12 ^ d2), 43)
            let b18 = rotl((a17 ^ d2), 15)
            let b9 = rotl((a22 ^ d2), 61)
            let b5 = rotl((a3 ^ d3), 28)
            let b21 = rotl((a8 ^ d3), 55)
            let b12 = rotl((a13 ^ d3), 25)
            let b3 = rotl((a18 ^ d3), 21)
            let b19 = rotl((a23 ^ d3), 56)
            let b15 = rotl((a4 ^ d4), 27)
            let b6 = rotl((a9 ^ d4), 20)
            let b22 = rotl((a14 ^ d4), 39)
            let b13 = rotl((a19 ^ d4), 8)
            let b4 = rotl((a24 ^ d4), 14)
            a0 = b0 ^ (~b1 & b2)
            a1 = b1 ^ (~b2 & b3)
            a2 = b2 ^ (~b3 & b4)
            a3 = b3 ^ (~b4 & b0)
            a4 = b4 ^ (~b0 & b1)
            a5 = b5 ^ (~b6 & b7)
            a6 = b6 ^ (~b7 & b8)
            a7 = b7 ^ (~b8 & b9)
            a8 = b8 ^ (~b9 & b5)
            a9 = b9 ^ (~b5 & b6)
            a10 = b10 ^ (~b11 & b12)
            a11 = b11 ^ (~b12 & b13)
            a12 = b12 ^ (~b13 & b14)
            a13 = b13 ^ (~b14 & b10)
            a14 = b14 ^ (~b10 & b11)
            a15 = b15 ^ (~b16 & b17)
            a16 = b16 ^ (~b17 & b18)
            a17 = b17 ^ (~b18 & b19)
            a18 = b18 ^ (~b19 & b15)
            a19 = b19 ^ (~b15 & b16)
            a20 = b20 ^ (~b21 & b22)
            a21 = b21 ^ (~b22 & b23)
            a22 = b22 ^ (~b23 & b24)
            a23 = b23 ^ (~b24 & b20)
            a24 = b24 ^ (~b20 & b21)
            a0 ^= roundConstants[round]
        }
        s[0] = a0
        s[1] = a1
        s[2] = a2
        s[3] = a3
        s[4] = a4
        s[5] = a5
        s[6] = a6
        s[7] = a7
        s[8] = a8
        s[9] = a9
        s[10] = a10
        s[11] = a11
        s[12] = a12
        s[13] = a13
        s[14] = a14
        s[15] = a15
        s[16] = a16
        s[17] = a17
        s[18] = a18
        s[19] = a19
        s[20] = a20
        s[21] = a21
        s[22] = a22
        s[23] = a23
        s[24] = a24
    }
}
