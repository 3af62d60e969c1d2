import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

@Suite struct QuantumVerifierTests {
    typealias S = UsefulTestSupport
    static let qpu = QuantumDevQPU(key: Ed25519.PrivateKey(devName: "qpu"), width: 8, depth: 64, shots: 256, trapCount: 16)
    static let context = VerifierContext(chainId: 1337, parentHash: S.parentHash)

    static func envelope(_ q: QuantumDevQPU = qpu, _ d: QuantumDevQPU.Dishonesty = .honest) -> ProofEnvelope {
        q.prove(jobSeed: S.seed("qjob"), trapSeed: S.seed("qtraps"), chainId: 1337, dishonesty: d)
    }

    static func traps(_ m: ProofMetrics) -> Double? {
        if case .quantum(_, _, let t) = m { return t }
        return nil
    }

    @Test func providerToVerifierRoundTrip() throws {
        let env = Self.envelope()
        let m = try QuantumVerifier.verify(envelope: env, context: Self.context).get()
        #expect(m == .quantum(units: 64 * 8 * log1p(256) * 0.001, qos: 1, traps: 1))
        let reparsed = try ProofEnvelope(jsonText: Data(env.json.canonicalBytes))
        #expect(try QuantumVerifier.verify(envelope: reparsed, context: Self.context).get() == m)
    }

    @Test func reversibleCircuitIdealOutput() {
        // input 0b011: X(2) → 0b111; Toffoli(0,1→2) → 0b011; CNOT(1→0) → 0b010.
        let c = ReversibleCircuit(width: 3, input: 0b011, gates: [.x(2), .toffoli(c1: 0, c2: 1, target: 2), .cnot(control: 1, target: 0)])
        #expect(c.idealOutput == 0b010)
        let t = ReversibleCircuit.trap(trapSeed: S.seed("x"), index: 3, width: 16, depth: 100)
        #expect(t.gates.count == 100 && t.idealOutput == ReversibleCircuit.trap(trapSeed: S.seed("x"), index: 3, width: 16, depth: 100).idealOutput)
        #expect(t != ReversibleCircuit.trap(trapSeed: S.seed("x"), index: 4, width: 16, depth: 100))
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let expected: Rejection.Code
        let mutate: @Sendable (ProofEnvelope) -> ProofEnvelope
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "type_id", expected: .unknownType) { ProofEnvelope(type: .storage, body: $0.body, nullifier: $0.nullifier) },
        Case(name: "missing shots", expected: .missingField) { S.editBody($0) { $0["shots"] = nil } },
        Case(name: "unknown field", expected: .unknownField) { S.editBody($0) { $0["noise"] = 0 } },
        Case(name: "depth as string", expected: .wrongKind) { S.editBody($0) { $0["depth"] = "64" } },
        Case(name: "trapSeed missing 0x", expected: .badHex) { S.editBody($0) { b in
            if case .string(let s)? = b["trapSeed"] { b["trapSeed"] = .string("00" + s.dropFirst(2)) } } },
        Case(name: "width 17", expected: .outOfRange) { S.editBody($0) { $0["width"] = 17 } },
        Case(name: "outcome ≥ 2^width", expected: .outOfRange) { S.editBody($0) { S.editArray(&$0["trapOutcomes"]) { $0[0] = 256 } } },
        Case(name: "count > shots", expected: .outOfRange) { S.editBody($0) { S.editArray(&$0["trapCounts"]) { $0[0] = 257 } } },
        Case(name: "counts length", expected: .outOfRange) { S.editBody($0) { S.editArray(&$0["trapCounts"]) { $0.removeLast() } } },
        Case(name: "trapSeed", expected: .badCommitment) { S.editBody($0) { $0["trapSeed"] = S.bumpHex($0["trapSeed"]) } },
        Case(name: "trapOutcomes[2]", expected: .tampered) { S.editBody($0) { S.editArray(&$0["trapOutcomes"]) { $0[2] = S.bumpInt($0[2]) } } },
        Case(name: "nullifier", expected: .wrongNullifier) { ProofEnvelope(type: .quantum, body: $0.body, nullifier: [UInt8](repeating: 1, count: 32)) },
        Case(name: "resultDigest", expected: .wrongNullifier) { S.editBody($0) { $0["resultDigest"] = S.bumpHex($0["resultDigest"]) } },
        Case(name: "circuitDigest", expected: .wrongNullifier) { S.editBody($0) { $0["circuitDigest"] = S.bumpHex($0["circuitDigest"]) } },
        Case(name: "trapCounts[0]", expected: .badSignature) { S.editBody($0) { S.editArray(&$0["trapCounts"]) { $0[0] = S.bumpInt($0[0], by: -1) } } },
        Case(name: "shots", expected: .badSignature) { S.editBody($0) { $0["shots"] = S.bumpInt($0["shots"]) } },
        Case(name: "depth", expected: .badSignature) { S.editBody($0) { $0["depth"] = S.bumpInt($0["depth"]) } },
        Case(name: "width", expected: .badSignature) { S.editBody($0) { $0["width"] = S.bumpInt($0["width"]) } },
        Case(name: "latencyMsP95", expected: .badSignature) { S.editBody($0) { $0["latencyMsP95"] = S.bumpInt($0["latencyMsP95"]) } },
        Case(name: "successPermil", expected: .badSignature) { S.editBody($0) { $0["successPermil"] = S.bumpInt($0["successPermil"], by: -1) } },
        Case(name: "signature", expected: .badSignature) { S.editBody($0) { $0["signature"] = S.bumpHex($0["signature"]) } },
    ]

    @Test(arguments: cases) func mutatedFieldIsRejected(_ c: Case) {
        let r = QuantumVerifier.verify(envelope: c.mutate(Self.envelope()), context: Self.context)
        #expect(S.reason(r) == c.expected, "\(c.name): \(r)")
    }

    @Test func policyKeyListIsEnforced() {
        var ctx = Self.context
        ctx.allowedProviderKeys[.quantum] = [Ed25519.PrivateKey(devName: "other qpu").publicKey]
        #expect(S.reason(QuantumVerifier.verify(envelope: Self.envelope(), context: ctx)) == .providerNotAllowed)
    }

    /// Readout noise p per bit: a trap shot is right with probability (1 − p)^width.
    @Test func noiseLowersTraps() throws {
        var q = Self.qpu
        q.noise = 0.05
        q.rngSeed = 42
        let t = try #require(Self.traps(try QuantumVerifier.verify(envelope: Self.envelope(q), context: Self.context).get()))
        let expected = pow(0.95, 8.0)  // ≈ 0.663, over 4096 shots σ ≈ 0.007
        #expect(abs(t - expected) < 0.04, "traps \(t)")
    }

    @Test func wrongOutcomesLowerTraps() throws {
        let t = try #require(Self.traps(try QuantumVerifier.verify(envelope: Self.envelope(Self.qpu, .init(wrongOutcomes: 4)), context: Self.context).get()))
        #expect(t == 12.0 / 16.0)
    }

    @Test func forgedSignatureIsRejected() {
        #expect(S.reason(QuantumVerifier.verify(envelope: Self.envelope(Self.qpu, .init(forgeSignature: true)), context: Self.context)) == .badSignature)
    }

    /// 3,000 byte-level mutations (SplitMix64 seed 0x9A): never a crash, never different metrics.
    @Test func randomMutationsNeverChangeMetrics() {
        let r = S.mutationSweep(Self.envelope(), seed: 0x9A, count: 3000) { QuantumVerifier.verify(envelope: $0, context: Self.context) }
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(3))")
        #expect(r.rejected + r.accepted == 3000)
        #expect(r.rejected > 2500)
    }
}
