import Foundation
import MiningCore

/// The HashShare verifier of spec section 8: schema (`templateId, nonce, mixSeed, u, keccak,
/// d_ratio_ppm`) → bindings (the template the share names, its mixSeed, the nullifier over
/// `templateHash ‖ nonce ‖ mixSeed`) → the recomputed u-draw (`keccak`, `u`) → metrics
/// (`d_ratio_ppm`, `H ≥ tShare(Θ, K)`).
public struct HashShareVerifier: ProofVerifier {
    public init() {}

    public func verify(_ envelope: ProofEnvelope, context: VerifierContext) -> Result<VerifiedProof, Rejection> {
        Result { () throws(Rejection) in try check(envelope, context: context) }
    }

    func check(_ envelope: ProofEnvelope, context: VerifierContext) throws(Rejection) -> VerifiedProof {
        try envelope.expect(.hashShare)
        // Schema.
        var r = try BodyReader(envelope.body)
        let templateId = try r.string("templateId")
        let nonceBytes = try r.hex("nonce", bytes: Nonce.byteCount)
        let mixSeed = try r.hex("mixSeed", bytes: 32)
        let u = try r.hex("u", bytes: 32)
        let keccak = try r.hex("keccak", bytes: 64)
        let dRatio = try r.int("d_ratio_ppm", in: 0...Int64.max)
        try r.finish()
        guard let nonce = Nonce(bytes: nonceBytes) else {
            throw Rejection(.badHex, field: "body.nonce", "expected 16 bytes")
        }

        // Bindings.
        guard let json = context.templateLookup(templateId) else {
            throw Rejection(.unknownTemplate, field: "body.templateId", "no template with templateId '\(templateId)' is known")
        }
        let template: HeaderTemplate
        do {
            template = try HeaderTemplate.decode(json: Data(json.canonicalBytes))
        } catch {
            throw Rejection(.unknownTemplate, field: "body.templateId", "template '\(templateId)' is invalid: \(error)")
        }
        guard mixSeed == template.nonceDomain.mixSeed else {
            throw Rejection(.mismatch, field: "body.mixSeed", "mixSeed differs from the template's nonceDomain.mixSeed")
        }
        let signBytes = template.signBytes
        try envelope.checkNullifier(identity: HashShareProof.identity(templateHash: SHA3_256.hash(signBytes), nonce: nonceBytes, mixSeed: mixSeed),
                                    context: context)

        // The u-draw.
        let draw = UDraw.draw(signBytes: signBytes, nonce: nonce, mixSeed: mixSeed)
        guard draw.keccak == keccak else {
            throw Rejection(.mismatch, field: "body.keccak", "Keccak-512 of the preimage is \(Hex.encode(draw.keccak))")
        }
        guard draw.u == u else {
            throw Rejection(.mismatch, field: "body.u", "u must be the first 32 bytes of keccak")
        }

        // Metrics.
        let theta = template.params.thetaMicro
        let expected = ShareTarget.dRatioPpm(H: draw.H, thetaMicro: theta)
        guard expected == dRatio else {
            throw Rejection(.mismatch, field: "body.d_ratio_ppm", "expected \(expected) for H = \(draw.H) µ-nats, Θ = \(theta)")
        }
        let target = ShareTarget.tShare(thetaMicro: theta, k: Int64(clamping: context.sharesPerBlock))
        guard draw.H >= target else {
            throw Rejection(.belowTarget, field: "body.nonce", "H = \(draw.H) µ-nats is below tShare = \(target) (Θ = \(theta), K = \(context.sharesPerBlock))")
        }
        return VerifiedProof(envelope, metrics: .hashShare(dRatioPpm: dRatio))
    }
}
