import COpenSSL

/// SHA3-256 over `prefix ‖ suffix` for many short suffixes after one long prefix: the prefix is
/// absorbed once and its state copied per suffix (HashToPrime hashes ~700 bytes of input with up to
/// a hundred counters). Owned by one workspace; not thread-safe.
final class SHA3Midstate: @unchecked Sendable {
    private let base: OpaquePointer
    private let work: OpaquePointer

    init() {
        guard let b = EVP_MD_CTX_new(), let w = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        base = b
        work = w
    }

    deinit {
        EVP_MD_CTX_free(base)
        EVP_MD_CTX_free(work)
    }

    /// Starts a new prefix.
    func reset(prefix parts: [UInt8]...) {
        precondition(EVP_DigestInit_ex(base, EVP_sha3_256(), nil) == 1)
        for p in parts { absorb(p) }
    }

    func absorb(_ p: [UInt8]) {
        p.withUnsafeBytes { raw in
            precondition(EVP_DigestUpdate(base, raw.baseAddress, raw.count) == 1)
        }
    }

    /// SHA3-256(prefix ‖ suffix) into `out` (32 bytes).
    func digest(suffix: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<UInt8>) {
        precondition(EVP_MD_CTX_copy_ex(work, base) == 1)
        precondition(EVP_DigestUpdate(work, suffix.baseAddress, suffix.count) == 1)
        var len: UInt32 = 0
        precondition(EVP_DigestFinal_ex(work, out, &len) == 1 && len == 32)
    }
}
