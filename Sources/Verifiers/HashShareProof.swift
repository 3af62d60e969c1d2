import MiningCore

/// Builds HashShare bodies and envelopes (spec section 8) from a template and a nonce.
public enum HashShareProof {
    /// Nullifier identity: `templateHash ‖ nonce (16) ‖ mixSeed`.
    public static func identity(templateHash: [UInt8], nonce: [UInt8], mixSeed: [UInt8]) -> [UInt8] {
        templateHash + nonce + mixSeed
    }

    /// The share envelope for `nonce` under `template` (whatever its depth; the verifier checks
    /// the share target).
    public static func envelope(template: HeaderTemplate, nonce: Nonce, chainId: UInt32) -> ProofEnvelope {
        let mixSeed = template.nonceDomain.mixSeed
        let draw = UDraw.draw(template: template, nonce: nonce)
        let body: JSONValue = [
            "templateId": .string(template.extra.templateId),
            "nonce": .string(Hex.encode(nonce.bytes)),
            "mixSeed": .string(Hex.encode(mixSeed)),
            "u": .string(Hex.encode(draw.u)),
            "keccak": .string(Hex.encode(draw.keccak)),
            "d_ratio_ppm": .int(ShareTarget.dRatioPpm(H: draw.H, thetaMicro: template.params.thetaMicro)),
        ]
        let id = identity(templateHash: template.templateHash, nonce: nonce.bytes, mixSeed: mixSeed)
        return ProofEnvelope(type: .hashShare, body: body,
                             nullifier: ProofNullifier.compute(type: .hashShare, identity: id, chainId: chainId))
    }
}
