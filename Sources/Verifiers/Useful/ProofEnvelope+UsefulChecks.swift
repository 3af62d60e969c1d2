import MiningCore

extension ProofEnvelope {
    /// Refuses an envelope of another type (the registry dispatches by type, but the verifiers are
    /// also called directly).
    func expect(_ t: ProofType) throws(Rejection) {
        guard type == t else {
            throw Rejection(.unknownType, field: "type_id", "expected \(t.wireId), got \(type.wireId)")
        }
    }
}

extension VerifierContext {
    /// The envelope's nullifier must be the one the body derives for this chain.
    func checkNullifier(derived: [UInt8], claimed: [UInt8]) throws(Rejection) {
        guard derived == claimed else {
            throw Rejection(.wrongNullifier, field: "nullifier", "does not match the body for chain \(chainId)")
        }
    }

    /// The revealed trap seed must open its commitment: `trapSeedCommit = SHA3-256(trapSeed)`.
    func checkTrapSeed(_ seed: [UInt8], opens commit: [UInt8]) throws(Rejection) {
        guard SHA3_256.hash(seed) == commit else {
            throw Rejection(.badCommitment, field: "body.trapSeed", "SHA3-256(trapSeed) does not equal trapSeedCommit")
        }
    }

    /// The provider key is allowed for `type` and signed the attestation (Ed25519).
    func checkAttestation(providerKey: [UInt8], signature: [UInt8], message: [UInt8], for type: ProofType) throws(Rejection) {
        try checkKeyAllowed(providerKey, for: type)
        guard Ed25519.verify(signature: signature, message: message, publicKey: providerKey) else {
            throw Rejection(.badSignature, field: "body.signature", "not a valid Ed25519 signature of the attestation by providerKey")
        }
    }

    /// The policy's provider-key check as a rejection naming `body.providerKey`.
    func checkKeyAllowed(_ key: [UInt8], for type: ProofType) throws(Rejection) {
        guard allowsProviderKey(key, for: type) else {
            throw Rejection(.providerNotAllowed, field: "body.providerKey",
                            "key \(Hex.encode(key)) is not in the policy's \(type.nullifierName)Providers list")
        }
    }
}
