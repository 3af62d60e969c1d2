import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

@Suite struct AIVerifierTests {
    typealias S = UsefulTestSupport
    static let model = AIModel(modelId: "dev-mlp", seed: S.seed("model"), layers: [16, 32, 8])
    static let provider = AIProvider(key: Ed25519.PrivateKey(devName: "ai-provider"), model: model, batch: 64, trapCount: 16)
    static let context = VerifierContext(chainId: 1337, parentHash: S.parentHash)

    static func envelope(_ d: AIProvider.Dishonesty = .honest) -> ProofEnvelope {
        provider.prove(jobSeed: S.seed("job"), trapSeed: S.seed("traps"), chainId: 1337, dishonesty: d)
    }

    @Test func providerToVerifierRoundTrip() throws {
        let env = Self.envelope()
        let metrics = try AIVerifier.verify(envelope: env, context: Self.context).get()
        #expect(metrics == .ai(units: Double(768 * 80) / 1_048_576, qos: 1, traps: 1, redundancy: 1))
        // Through the wire: canonical bytes → envelope → same metrics.
        let reparsed = try ProofEnvelope(jsonText: Data(env.json.canonicalBytes))
        #expect(reparsed == env)
        #expect(try AIVerifier.verify(envelope: reparsed, context: Self.context).get() == metrics)
    }

    /// OpenBLAS dgemm must agree with a plain Int64 reference (the exactness claim).
    @Test func inferenceIsExactAgainstIntegerReference() {
        let m = AIModel(modelId: "ref", seed: S.seed("ref"), layers: [16, 32, 8, 5])
        let w = m.weights()
        #expect(w.allSatisfy { $0.allSatisfy { (-2...2).contains($0) && $0 == $0.rounded() } })
        let rows = 7
        let input = AITraps.inputs(trapSeed: S.seed("t"), count: rows, width: 16)
        let blas = AIInference.run(model: m, weights: w, input: input, rows: rows)
        var x = input.map { Int64($0) }
        for k in 0..<(m.layers.count - 1) {
            let a = m.layers[k], b = m.layers[k + 1]
            var y = [Int64](repeating: 0, count: rows * b)
            for r in 0..<rows { for j in 0..<b { for i in 0..<a { y[r * b + j] += x[r * a + i] * Int64(w[k][i * b + j]) } } }
            if k < m.layers.count - 2 { y = y.map { max(0, $0) } }
            x = y
        }
        #expect(blas.map { Int64($0) } == x)
    }

    @Test func exactnessBoundIsDerivedFromSizes() {
        #expect(AIModel(modelId: "a", seed: S.seed("a"), layers: [16, 32, 8]).activationBound == 15 * 32 * 64)
        let huge = AIModel(modelId: "h", seed: S.seed("h"), layers: [1024, 1024, 1024, 1024, 1024, 1024, 2])
        #expect(!huge.isExact)  // 15 · 2048^6 > 2^53
    }

    @Test func oversizedModelIsRejected() {
        let env = S.editBody(Self.envelope()) { b in
            S.editObject(&b["model"]) { $0["layers"] = [1024, 1024, 1024, 1024, 1024, 1024, 2] }
        }
        #expect(S.reason(AIVerifier.verify(envelope: env, context: Self.context)) == .tooLarge)
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let expected: Rejection.Code
        let mutate: @Sendable (ProofEnvelope) -> ProofEnvelope
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "type_id", expected: .unknownType) { ProofEnvelope(type: .quantum, body: $0.body, nullifier: $0.nullifier) },
        Case(name: "missing batch", expected: .missingField) { S.editBody($0) { $0["batch"] = nil } },
        Case(name: "unknown field", expected: .unknownField) { S.editBody($0) { $0["redundancy"] = 2 } },
        Case(name: "unknown model field", expected: .unknownField) { S.editBody($0) { S.editObject(&$0["model"]) { $0["bias"] = 1 } } },
        Case(name: "batch as string", expected: .wrongKind) { S.editBody($0) { $0["batch"] = "64" } },
        Case(name: "uppercase hex", expected: .badHex) { S.editBody($0) { b in
            if case .string(let s)? = b["trapRoot"] { b["trapRoot"] = .string("0x" + s.dropFirst(2).uppercased()) } } },
        Case(name: "short hex", expected: .badHex) { S.editBody($0) { b in
            if case .string(let s)? = b["inputDigest"] { b["inputDigest"] = .string(String(s.dropLast(2))) } } },
        Case(name: "successPermil > 1000", expected: .outOfRange) { S.editBody($0) { $0["successPermil"] = 1001 } },
        Case(name: "negative latency", expected: .outOfRange) { S.editBody($0) { $0["latencyMsP95"] = -1 } },
        Case(name: "too few traps", expected: .outOfRange) { S.editBody($0) { S.editArray(&$0["trapAnswers"]) { $0 = Array($0.prefix(3)) } } },
        Case(name: "bad modelId", expected: .outOfRange) { S.editBody($0) { S.editObject(&$0["model"]) { $0["modelId"] = "Dev MLP" } } },
        Case(name: "units", expected: .mismatch) { S.editBody($0) { $0["units"] = S.bumpInt($0["units"]) } },
        Case(name: "batch", expected: .mismatch) { S.editBody($0) { $0["batch"] = S.bumpInt($0["batch"]) } },
        Case(name: "trapSeed", expected: .badCommitment) { S.editBody($0) { $0["trapSeed"] = S.bumpHex($0["trapSeed"]) } },
        Case(name: "trapSeedCommit", expected: .badCommitment) { S.editBody($0) { $0["trapSeedCommit"] = S.bumpHex($0["trapSeedCommit"]) } },
        Case(name: "trapAnswers[3]", expected: .tampered) { S.editBody($0) { S.editArray(&$0["trapAnswers"]) { $0[3] = S.bumpHex($0[3]) } } },
        Case(name: "trapRoot", expected: .tampered) { S.editBody($0) { $0["trapRoot"] = S.bumpHex($0["trapRoot"]) } },
        Case(name: "nullifier", expected: .wrongNullifier) { ProofEnvelope(type: .ai, body: $0.body, nullifier: [UInt8](repeating: 7, count: 32)) },
        Case(name: "inputDigest", expected: .wrongNullifier) { S.editBody($0) { $0["inputDigest"] = S.bumpHex($0["inputDigest"]) } },
        Case(name: "model seed", expected: .wrongNullifier) { S.editBody($0) { S.editObject(&$0["model"]) { $0["seed"] = S.bumpHex($0["seed"]) } } },
        Case(name: "providerKey", expected: .wrongNullifier) { S.editBody($0) { $0["providerKey"] = S.bumpHex($0["providerKey"]) } },
        Case(name: "latencyMsP95", expected: .badSignature) { S.editBody($0) { $0["latencyMsP95"] = S.bumpInt($0["latencyMsP95"]) } },
        Case(name: "successPermil", expected: .badSignature) { S.editBody($0) { $0["successPermil"] = S.bumpInt($0["successPermil"], by: -1) } },
        Case(name: "signature", expected: .badSignature) { S.editBody($0) { $0["signature"] = S.bumpHex($0["signature"]) } },
    ]

    @Test(arguments: cases) func mutatedFieldIsRejected(_ c: Case) {
        let r = AIVerifier.verify(envelope: c.mutate(Self.envelope()), context: Self.context)
        #expect(S.reason(r) == c.expected, "\(c.name): \(r)")
    }

    @Test func wrongChainIdChangesNullifier() {
        var ctx = Self.context
        ctx.chainId = 1
        #expect(S.reason(AIVerifier.verify(envelope: Self.envelope(), context: ctx)) == .wrongNullifier)
    }

    @Test func policyKeyListIsEnforced() throws {
        var ctx = Self.context
        ctx.allowedProviderKeys[.ai] = [Ed25519.PrivateKey(devName: "someone else").publicKey]
        #expect(S.reason(AIVerifier.verify(envelope: Self.envelope(), context: ctx)) == .providerNotAllowed)
        ctx.allowedProviderKeys[.ai]!.insert(Self.provider.key.publicKey)
        _ = try AIVerifier.verify(envelope: Self.envelope(), context: ctx).get()
    }

    @Test func wrongTrapAnswersLowerTraps() throws {
        let m = try AIVerifier.verify(envelope: Self.envelope(.init(wrongTraps: 4)), context: Self.context).get()
        guard case .ai(_, _, let traps, _) = m else { Issue.record("not AI metrics"); return }
        #expect(traps == 12.0 / 16.0)
    }

    @Test func forgedSignatureIsRejected() {
        let r = AIVerifier.verify(envelope: Self.envelope(.init(forgeSignature: true)), context: Self.context)
        #expect(S.reason(r) == .badSignature)
    }

    @Test func slowProviderLosesQoS() throws {
        var p = Self.provider
        p.latencyMsP95 = 8000
        p.successPermil = 900
        let env = p.prove(jobSeed: S.seed("job"), trapSeed: S.seed("traps"), chainId: 1337)
        guard case .ai(_, let qos, _, _) = try AIVerifier.verify(envelope: env, context: Self.context).get() else {
            Issue.record("not AI metrics"); return
        }
        #expect(qos == 0.9 * 0.25)
    }

    /// 3,000 byte-level mutations (SplitMix64 seed 0xA1): never a crash, never different metrics.
    @Test func randomMutationsNeverChangeMetrics() {
        let r = S.mutationSweep(Self.envelope(), seed: 0xA1, count: 3000) { AIVerifier.verify(envelope: $0, context: Self.context) }
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(3))")
        #expect(r.rejected + r.accepted == 3000)
        #expect(r.rejected > 2500)
    }
}
