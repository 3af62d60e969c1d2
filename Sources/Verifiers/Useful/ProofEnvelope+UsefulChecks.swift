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
    /// The policy's provider-key check as a rejection naming `body.providerKey`.
    func checkKeyAllowed(_ key: [UInt8], for type: ProofType) throws(Rejection) {
        guard allowsProviderKey(key, for: type) else {
            throw Rejection(.providerNotAllowed, field: "body.providerKey",
                            "key \(Hex.encode(key)) is not in the policy's \(type.nullifierName)Providers list")
        }
    }
}
