import MiningCore

/// Registration point: one verifier per proof type. Helpers adding a proof type append one line.
extension Verifiers {
    public static let registry: [ProofType: any ProofVerifier] = [
        .vdf: WesolowskiVerifier(),
        .hashShare: HashShareVerifier(),
        .ai: AIVerifier(),
        .quantum: QuantumVerifier(),
        .storage: StorageVerifier(),
    ]
}
