import COpenSSL
import MiningCore

/// Ed25519 (RFC 8032) through OpenSSL 3's EVP interface: the devnet stand-in for TEE/QPU evidence
/// that AI, quantum and storage providers sign their attestations with.
public enum Ed25519 {
    public static let publicKeyCount = 32
    public static let seedCount = 32
    public static let signatureCount = 64

    /// A signing key held as its 32-byte RFC 8032 seed, with the derived public key.
    public struct PrivateKey: Sendable, Equatable {
        public let seed: [UInt8]
        public let publicKey: [UInt8]

        /// `seed` must be 32 bytes (a precondition: keys come from code, never from the wire).
        public init(seed: [UInt8]) {
            precondition(seed.count == Ed25519.seedCount, "Ed25519 seed must be 32 bytes")
            self.seed = seed
            let pkey = seed.withUnsafeBufferPointer {
                EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
            }
            guard let pkey else { preconditionFailure("EVP_PKEY_new_raw_private_key(ED25519) failed") }
            defer { EVP_PKEY_free(pkey) }
            var pub = [UInt8](repeating: 0, count: 32)
            var len = 32
            precondition(EVP_PKEY_get_raw_public_key(pkey, &pub, &len) == 1 && len == 32)
            publicKey = pub
        }

        /// A deterministic dev key: seed = SHA3-256("animica:devkey:v1" ‖ 0x00 ‖ UTF-8 name).
        public init(devName: String) {
            self.init(seed: SHA3_256.hash(parts: [Array("animica:devkey:v1".utf8), [0], Array(devName.utf8)]))
        }

        /// Signs `message` (pure Ed25519, no pre-hash).
        public func sign(_ message: [UInt8]) -> [UInt8] {
            let pkey = seed.withUnsafeBufferPointer {
                EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
            }
            guard let pkey else { preconditionFailure("EVP_PKEY_new_raw_private_key(ED25519) failed") }
            defer { EVP_PKEY_free(pkey) }
            guard let ctx = EVP_MD_CTX_new() else { preconditionFailure("EVP_MD_CTX_new failed") }
            defer { EVP_MD_CTX_free(ctx) }
            precondition(EVP_DigestSignInit(ctx, nil, nil, nil, pkey) == 1)
            var sig = [UInt8](repeating: 0, count: 64)
            var len = 64
            let ok = message.withUnsafeBufferPointer { m in
                EVP_DigestSign(ctx, &sig, &len, m.baseAddress, m.count)
            }
            precondition(ok == 1 && len == 64, "EVP_DigestSign(ED25519) failed")
            return sig
        }
    }

    /// True iff `signature` is a valid Ed25519 signature of `message` under `publicKey`.
    /// Wrong lengths and keys OpenSSL refuses to decode verify as false (never a crash).
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == signatureCount, publicKey.count == publicKeyCount else { return false }
        let pkey = publicKey.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
        }
        guard let pkey else { ERR_clear_error(); return false }
        defer { EVP_PKEY_free(pkey) }
        guard let ctx = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestVerifyInit(ctx, nil, nil, nil, pkey) == 1 else { ERR_clear_error(); return false }
        let rc = signature.withUnsafeBufferPointer { s in
            message.withUnsafeBufferPointer { m in
                EVP_DigestVerify(ctx, s.baseAddress, s.count, m.baseAddress, m.count)
            }
        }
        if rc != 1 { ERR_clear_error() }
        return rc == 1
    }
}
