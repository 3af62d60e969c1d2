import COpenSSL

/// FIPS 202 SHA3-256 (padding 0x06) through OpenSSL 3's EVP interface.
///
/// SHA3-256 is used for sign-bytes' `templateHash`, `blockHash`, mixSeed, nullifiers and roots —
/// never for the u-draw, which is Keccak-512 with the original 0x01 padding (``Keccak512``).
public enum SHA3_256 {
    public static let digestCount = 32

    /// Hashes `bytes` in one call.
    public static func hash<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var out = [UInt8](repeating: 0, count: 32)
        let ok: Int32 = bytes.withContiguousStorageIfAvailable { buf in
            digest(buf, into: &out)
        } ?? Array(bytes).withUnsafeBufferPointer { buf in
            digest(buf, into: &out)
        }
        precondition(ok == 1, "OpenSSL EVP_Digest(SHA3-256) failed")
        return out
    }

    /// Hashes the concatenation of several byte strings (domain tags, fields) without copying them
    /// into one buffer first.
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        precondition(EVP_DigestInit_ex(ctx, EVP_sha3_256(), nil) == 1)
        for p in parts {
            p.withUnsafeBytes { raw in
                precondition(EVP_DigestUpdate(ctx, raw.baseAddress, raw.count) == 1)
            }
        }
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        precondition(EVP_DigestFinal_ex(ctx, &out, &len) == 1 && len == 32)
        return out
    }

    private static func digest(_ buf: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Int32 {
        var len: UInt32 = 0
        return out.withUnsafeMutableBufferPointer { o in
            EVP_Digest(buf.baseAddress, buf.count, o.baseAddress, &len, EVP_sha3_256(), nil)
        }
    }
}
