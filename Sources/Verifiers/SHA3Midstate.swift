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

    init() { reset() }

    deinit {
        base.deallocate()
        work.deallocate()
        tail.deallocate()
    }

    /// Starts a new prefix.
    func reset(prefix parts: [UInt8]...) {
        base.update(repeating: 0, count: 25)
        tailCount = 0
        for p in parts { absorb(p) }
    }

    func absorb(_ bytes: [UInt8]) {
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
    func digest(suffix: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        precondition(suffix.count < Self.rate)
        work.update(from: base, count: 25)
        var n = tailCount
        for b in suffix {
            tail[n] = b
            n += 1
        }
        let blocks = n + 1 <= Self.rate ? 1 : 2
        let end = blocks * Self.rate
        (tail + n).update(repeating: 0, count: end - n)
        tail[n] ^= 0x06
        tail[end - 1] ^= 0x80
        for k in 0..<blocks {
            Self.xorBlock(tail + k * Self.rate, into: work)
            Self.permute(work)
        }
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
    private static let rotations: [UInt64] = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    private static let piLanes: [Int] = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]

    @inline(__always)
    private static func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { (x << n) | (x >> (64 - n)) }

    /// Keccak-f[1600] in place (the compact reference formulation).
    static func permute(_ s: UnsafeMutablePointer<UInt64>) {
        roundConstants.withUnsafeBufferPointer { rc in
            rotations.withUnsafeBufferPointer { rot in
                piLanes.withUnsafeBufferPointer { pl in
                    for round in 0..<24 {
                        // θ
                        let c0 = s[0] ^ s[5] ^ s[10] ^ s[15] ^ s[20]
                        let c1 = s[1] ^ s[6] ^ s[11] ^ s[16] ^ s[21]
                        let c2 = s[2] ^ s[7] ^ s[12] ^ s[17] ^ s[22]
                        let c3 = s[3] ^ s[8] ^ s[13] ^ s[18] ^ s[23]
                        let c4 = s[4] ^ s[9] ^ s[14] ^ s[19] ^ s[24]
                        let d0 = c4 ^ rotl(c1, 1), d1 = c0 ^ rotl(c2, 1), d2 = c1 ^ rotl(c3, 1)
                        let d3 = c2 ^ rotl(c4, 1), d4 = c3 ^ rotl(c0, 1)
                        for j in stride(from: 0, to: 25, by: 5) {
                            s[j] ^= d0; s[j + 1] ^= d1; s[j + 2] ^= d2; s[j + 3] ^= d3; s[j + 4] ^= d4
                        }
                        // ρ and π
                        var t = s[1]
                        for i in 0..<24 {
                            let j = pl[i]
                            let next = s[j]
                            s[j] = rotl(t, rot[i])
                            t = next
                        }
                        // χ
                        for j in stride(from: 0, to: 25, by: 5) {
                            let a0 = s[j], a1 = s[j + 1], a2 = s[j + 2], a3 = s[j + 3], a4 = s[j + 4]
                            s[j] = a0 ^ (~a1 & a2)
                            s[j + 1] = a1 ^ (~a2 & a3)
                            s[j + 2] = a2 ^ (~a3 & a4)
                            s[j + 3] = a3 ^ (~a4 & a0)
                            s[j + 4] = a4 ^ (~a0 & a1)
                        }
                        // ι
                        s[0] ^= rc[round]
                    }
                }
            }
        }
    }
}
