import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// Shared helpers for the AI, quantum and storage verifier suites.
enum UsefulTestSupport {
    static let parentHash = SHA3_256.hash(Array("useful-verifiers test parent".utf8))

    static func seed(_ s: String) -> [UInt8] { SHA3_256.hash(Array(s.utf8)) }

    /// Returns a copy of `env` with its body object edited by `f`.
    static func editBody(_ env: ProofEnvelope, _ f: (inout [String: JSONValue]) -> Void) -> ProofEnvelope {
        guard case .object(var o) = env.body else { return env }
        f(&o)
        return ProofEnvelope(type: env.type, body: .object(o), nullifier: env.nullifier)
    }

    /// Edits `body[key]` (an object) in place.
    static func editObject(_ v: inout JSONValue?, _ f: (inout [String: JSONValue]) -> Void) {
        guard case .object(var o)? = v else { return }
        f(&o)
        v = .object(o)
    }

    /// Edits element `i` of an array value.
    static func editArray(_ v: inout JSONValue?, _ f: (inout [JSONValue]) -> Void) {
        guard case .array(var a)? = v else { return }
        f(&a)
        v = .array(a)
    }

    static func bumpHex(_ v: JSONValue?) -> JSONValue {
        guard case .string(let s)? = v else { return .null }
        var u = Array(s.utf8)
        u[u.count - 1] = u[u.count - 1] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
        return .string(String(decoding: u, as: UTF8.self))
    }

    static func bumpInt(_ v: JSONValue?, by d: Int64 = 1) -> JSONValue {
        guard case .int(let i)? = v else { return .null }
        return .int(i + d)
    }

    struct SweepResult {
        var rejected = 0
        var accepted = 0
        var mismatches: [String] = []
    }

    /// `count` seeded (SplitMix64) byte-level mutations of the envelope's canonical bytes: replace
    /// a byte (most), flip one bit, delete or insert a byte. Each result must be rejected, or
    /// accepted with exactly the original metrics.
    static func mutationSweep(_ env: ProofEnvelope, seed: UInt64, count: Int,
                              verify: (ProofEnvelope) -> Result<ProofMetrics, Rejection>) -> SweepResult {
        let original = try? verify(env).get()
        var rng = SplitMix64(seed: seed)
        let bytes = env.json.canonicalBytes
        var r = SweepResult()
        for n in 0..<count {
            var m = bytes
            let pos = Int(rng.next() % UInt64(m.count))
            switch rng.next() % 8 {
            case 0: m[pos] ^= UInt8(1) << (rng.next() % 8)
            case 1: m.remove(at: pos)
            case 2: m.insert(UInt8(truncatingIfNeeded: rng.next()), at: pos)
            default: m[pos] = UInt8(truncatingIfNeeded: rng.next())
            }
            let result: Result<ProofMetrics, Rejection>
            do { result = verify(try ProofEnvelope(jsonText: Data(m))) } catch { result = .failure(error) }
            switch result {
            case .failure: r.rejected += 1
            case .success(let metrics):
                r.accepted += 1
                if metrics != original { r.mismatches.append("mutation \(n) at byte \(pos): \(metrics)") }
            }
        }
        return r
    }

    static func reason(_ r: Result<ProofMetrics, Rejection>) -> Rejection.Code? {
        if case .failure(let e) = r { return e.code }
        return nil
    }
}

@Suite struct AIQuantumStorageSharedTests {
    /// The bodies' nullifier identities match MiningCore's typed `NullifierIdentity` layouts.
    @Test func bodyIdentitiesMatchSharedLayouts() throws {
        let ai = AIVerifierTests.provider.proveBody(jobSeed: UsefulTestSupport.seed("j"), trapSeed: UsefulTestSupport.seed("t"))
        let aiId = NullifierIdentity.ai(providerKeyHash: SHA3_256.hash(ai.providerKey), modelDigest: ai.model.digest,
                                        inputDigest: ai.inputDigest, outputDigest: ai.outputDigest, trapRoot: ai.trapRoot)
        #expect(try ai.nullifier(chainId: 1337) == Nullifier(identity: aiId, chainId: 1337).bytes)
        let q = QuantumVerifierTests.qpu.proveBody(jobSeed: UsefulTestSupport.seed("j"), trapSeed: UsefulTestSupport.seed("t"))
        let qId = NullifierIdentity.quantum(providerKeyHash: SHA3_256.hash(q.providerKey), circuitDigest: q.circuitDigest,
                                            resultDigest: q.resultDigest, trapRoot: q.trapRoot)
        #expect(try q.nullifier(chainId: 7) == Nullifier(identity: qId, chainId: 7).bytes)
        let s = StorageProofBody(providerKey: UsefulTestSupport.seed("k"), sectorRoot: UsefulTestSupport.seed("r"), leafCount: 1,
                                 epoch: 99, openings: [], tickets: nil, signature: [])
        let sId = NullifierIdentity.storage(providerKeyHash: SHA3_256.hash(s.providerKey), sectorRoot: s.sectorRoot, epoch: 99)
        #expect(try s.nullifier(chainId: 1337) == Nullifier(identity: sId, chainId: 1337).bytes)
    }

    /// The shared registry dispatches the three types to these verifiers.
    @Test func registryDispatchesUsefulTypes() throws {
        let env = AIVerifierTests.envelope()
        let verified = try #require(Verifiers.registry[.ai]).verify(env, context: AIVerifierTests.context).get()
        #expect(verified.metrics == (try AIVerifier.verify(envelope: env, context: AIVerifierTests.context).get()))
        #expect(verified.nullifier == env.nullifier && verified.canonicalBody == env.body.canonicalBytes)
        #expect(Verifiers.registry[.quantum] is QuantumVerifier && Verifiers.registry[.storage] is StorageVerifier)
    }

    @Test func ed25519SignsAndVerifies() {
        let k = Ed25519.PrivateKey(devName: "alice")
        let msg = Array("hello".utf8)
        let sig = k.sign(msg)
        #expect(sig.count == 64 && k.publicKey.count == 32)
        #expect(Ed25519.verify(signature: sig, message: msg, publicKey: k.publicKey))
        #expect(!Ed25519.verify(signature: sig, message: Array("hellp".utf8), publicKey: k.publicKey))
        #expect(!Ed25519.verify(signature: sig, message: msg, publicKey: Ed25519.PrivateKey(devName: "bob").publicKey))
        #expect(!Ed25519.verify(signature: Array(sig.dropLast()), message: msg, publicKey: k.publicKey))
    }

    /// RFC 8032 section 7.1 test 1 (empty message) pins the OpenSSL binding.
    @Test func ed25519Rfc8032Vector() throws {
        let k = Ed25519.PrivateKey(seed: try Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", requirePrefix: false))
        #expect(Hex.encode(k.publicKey, prefix: false) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(Hex.encode(k.sign([]), prefix: false) == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    }

    @Test func merkleOddNodePairsWithItself() {
        let leaves = (0..<3).map { BinaryMerkle.leafHash([UInt8($0)]) }
        let l01 = BinaryMerkle.nodeHash(leaves[0], leaves[1])
        let l22 = BinaryMerkle.nodeHash(leaves[2], leaves[2])
        #expect(BinaryMerkle.root(leafHashes: leaves) == BinaryMerkle.nodeHash(l01, l22))
        let levels = BinaryMerkle.levels(leafHashes: leaves)
        for i in 0..<3 {
            #expect(BinaryMerkle.root(fromLeafHash: leaves[i], index: UInt64(i), path: BinaryMerkle.path(levels: levels, index: i)) == levels.last![0])
        }
        #expect(BinaryMerkle.root(leafHashes: []) == [UInt8](repeating: 0, count: 32))
        #expect(BinaryMerkle.height(leafCount: 1) == 0 && BinaryMerkle.height(leafCount: 37) == 6)
    }
}
