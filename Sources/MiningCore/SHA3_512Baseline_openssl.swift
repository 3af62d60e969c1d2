import COpenSSL

/// OpenSSL's SHA3-512 on a 64-byte input: the speed baseline for the u-draw scanner.
///
/// SHA3-512 and the u-draw's Keccak-512 share the rate (72 bytes), so a 64-byte message is one
/// Keccak-f[1600] permutation — the same work as one nonce. Two ways of calling OpenSSL are
/// offered: the one-shot `EVP_Digest` (what most code writes) and a reused context with the
/// digest fetched once (the fastest the EVP interface allows). Benchmarks should compare against
/// the faster. No clock here: the caller times ``run(iterations:)``.
public final class SHA3_512Baseline {
    public enum Mode: String, Sendable, CaseIterable {
        /// `EVP_Digest(…, EVP_sha3_512(), nil)` per hash.
        case oneShot
        /// `EVP_DigestInit_ex2` / `Update` / `Final_ex` on one context with a pre-fetched `EVP_MD`.
        case reusedContext
    }

    public let mode: Mode
    private let md: OpaquePointer
    private let ctx: OpaquePointer
    private var buffer = [UInt8](repeating: 0xA5, count: 64)

    public init(mode: Mode) {
        self.mode = mode
        guard let md = EVP_MD_fetch(nil, "SHA3-512", nil), let ctx = EVP_MD_CTX_new() else {
            preconditionFailure("OpenSSL cannot provide SHA3-512")
        }
        self.md = md
        self.ctx = ctx
    }

    deinit {
        EVP_MD_CTX_free(ctx)
        EVP_MD_free(md)
    }

    /// Hashes the 64-byte buffer `iterations` times, feeding each digest back as the next input
    /// (so no call can be skipped). Returns the last digest.
    @discardableResult
    public func run(iterations: Int) -> [UInt8] {
        var len: UInt32 = 0
        buffer.withUnsafeMutableBufferPointer { b in
            let p = b.baseAddress!
            for _ in 0 ..< iterations {
                switch mode {
                case .oneShot:
                    precondition(EVP_Digest(p, 64, p, &len, EVP_sha3_512(), nil) == 1)
                case .reusedContext:
                    precondition(EVP_DigestInit_ex2(ctx, md, nil) == 1)
                    precondition(EVP_DigestUpdate(ctx, p, 64) == 1)
                    precondition(EVP_DigestFinal_ex(ctx, p, &len) == 1)
                }
            }
        }
        return buffer
    }
}
