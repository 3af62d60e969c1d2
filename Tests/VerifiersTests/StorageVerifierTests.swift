import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

@Suite struct StorageVerifierTests {
    typealias S = UsefulTestSupport
    static let key = Ed25519.PrivateKey(devName: "storage")
    static let clients = (0..<3).map { Ed25519.PrivateKey(devName: "client \($0)") }
    static let leafCount = 37  // odd: exercises self-paired nodes
    static let context = VerifierContext(chainId: 1337, parentHash: S.parentHash, storageChallenges: 16, storageEpoch: 5)

    /// A real sector file in a fresh temporary folder (one per test, so tests run in parallel).
    static func provider() throws -> StorageProvider {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("useful-verifiers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try StorageProvider.create(key: key, path: dir.appendingPathComponent("sector.bin").path, leafCount: leafCount, dataSeed: 7)
    }

    static func envelope(_ d: StorageProver.Dishonesty = .honest, tickets: Int = 0) throws -> ProofEnvelope {
        try provider().prove(parentHash: S.parentHash, epoch: 5, challenges: 16, chainId: 1337,
                             ticketClients: Array(clients.prefix(tickets)), dishonesty: d)
    }

    static let sizeGiB = Double(leafCount) * 4096 / 1_073_741_824

    @Test func providerToVerifierRoundTrip() throws {
        let env = try Self.envelope()
        let m = try StorageVerifier.verify(envelope: env, context: Self.context).get()
        #expect(m == .storage(heartbeat: true, sizeGiB: Self.sizeGiB, avail: 1, retrieval: 0))
        let reparsed = try ProofEnvelope(jsonText: Data(env.json.canonicalBytes))
        #expect(try StorageVerifier.verify(envelope: reparsed, context: Self.context).get() == m)
    }

    @Test func sectorFileReloadsToSameRoot() throws {
        let p = try Self.provider()
        let attrs = try FileManager.default.attributesOfItem(atPath: p.path)
        #expect((attrs[.size] as? NSNumber)?.intValue == Self.leafCount * 4096)
        let q = try StorageProvider.load(key: Self.key, path: p.path)
        #expect(q.sector.root == p.sector.root && q.sector.leafCount == 37)
        #expect(try p.readLeaf(36) == StorageSector.devLeaf(dataSeed: 7, index: 36))
        #expect(throws: StorageProvider.FileError.self) { try StorageProvider.load(key: Self.key, path: p.path + ".missing") }
    }

    @Test func challengeIndicesFollowTheSpecFormula() {
        let root = S.seed("root")
        let d = SHA3_256.hash(Array("animica:storage:challenge:v1".utf8) + S.parentHash + root + [0, 0, 0, 0, 0, 0, 0, 9] + [0, 0, 0, 3])
        // 2^256 mod 1000 via Horner on the 32 digest bytes.
        var expected = 0
        for b in d { expected = (expected * 256 + Int(b)) % 1000 }
        #expect(StorageChallenge.index(parentHash: S.parentHash, sectorRoot: root, epoch: 9, challenge: 3, leafCount: 1000) == UInt64(expected))
    }

    @Test func retrievalTicketsRaiseRetrieval() throws {
        let m = try StorageVerifier.verify(envelope: try Self.envelope(tickets: 3), context: Self.context).get()
        #expect(m == .storage(heartbeat: true, sizeGiB: Self.sizeGiB, avail: 1, retrieval: 3.0 / 16))
    }

    @Test func missingOpeningsLowerAvailability() throws {
        let few = try StorageVerifier.verify(envelope: try Self.envelope(.init(dropOpenings: 8)), context: Self.context).get()
        #expect(few == .storage(heartbeat: true, sizeGiB: Self.sizeGiB, avail: 0.5, retrieval: 0))
        let tooFew = try StorageVerifier.verify(envelope: try Self.envelope(.init(dropOpenings: 9)), context: Self.context).get()
        #expect(tooFew == .storage(heartbeat: false, sizeGiB: Self.sizeGiB, avail: 7.0 / 16, retrieval: 0))
    }

    @Test func dishonestKnobsAreRejected() throws {
        #expect(S.reason(StorageVerifier.verify(envelope: try Self.envelope(.init(corruptLeaf: true)), context: Self.context)) == .badOpening)
        #expect(S.reason(StorageVerifier.verify(envelope: try Self.envelope(.init(staleEpoch: true)), context: Self.context)) == .staleEpoch)
        #expect(S.reason(StorageVerifier.verify(envelope: try Self.envelope(.init(forgeSignature: true)), context: Self.context)) == .badSignature)
    }

    @Test func otherParentInvalidatesOpenings() throws {
        var ctx = Self.context
        ctx.parentHash = S.seed("another parent")
        #expect(S.reason(StorageVerifier.verify(envelope: try Self.envelope(), context: ctx)) == .badOpening)
    }

    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let expected: Rejection.Code
        let mutate: @Sendable (ProofEnvelope) -> ProofEnvelope
        var description: String { name }
    }

    static func opening(_ i: Int, _ f: @escaping (inout [String: JSONValue]) -> Void) -> @Sendable (ProofEnvelope) -> ProofEnvelope {
        nonisolated(unsafe) let f = f
        return { S.editBody($0) { S.editArray(&$0["openings"]) { a in var v: JSONValue? = a[i]; S.editObject(&v, f); a[i] = v! } } }
    }

    static func ticket(_ i: Int, _ f: @escaping (inout [String: JSONValue]) -> Void) -> @Sendable (ProofEnvelope) -> ProofEnvelope {
        nonisolated(unsafe) let f = f
        return { S.editBody($0) { S.editArray(&$0["tickets"]) { a in var v: JSONValue? = a[i]; S.editObject(&v, f); a[i] = v! } } }
    }

    static let cases: [Case] = [
        Case(name: "type_id", expected: .unknownType) { ProofEnvelope(type: .ai, body: $0.body, nullifier: $0.nullifier) },
        Case(name: "missing epoch", expected: .missingField) { S.editBody($0) { $0["epoch"] = nil } },
        Case(name: "unknown field", expected: .unknownField) { S.editBody($0) { $0["sizeGiB"] = 1 } },
        Case(name: "unknown opening field", expected: .unknownField, mutate: opening(0) { $0["index"] = 3 }),
        Case(name: "openings not an array", expected: .wrongKind) { S.editBody($0) { $0["openings"] = "none" } },
        Case(name: "leaf too short", expected: .badHex, mutate: opening(1) { o in
            if case .string(let s)? = o["leaf"] { o["leaf"] = .string(String(s.dropLast(2))) } }),
        Case(name: "leafCount 0", expected: .outOfRange) { S.editBody($0) { $0["leafCount"] = 0 } },
        Case(name: "path too short", expected: .outOfRange, mutate: opening(2) { o in S.editArray(&o["path"]) { $0.removeLast() } }),
        Case(name: "challenges out of order", expected: .outOfRange, mutate: opening(1) { $0["challenge"] = 0 }),
        Case(name: "challenge ≥ policy count", expected: .outOfRange, mutate: opening(15) { $0["challenge"] = 16 }),
        Case(name: "epoch", expected: .staleEpoch) { S.editBody($0) { $0["epoch"] = S.bumpInt($0["epoch"]) } },
        Case(name: "nullifier", expected: .wrongNullifier) { ProofEnvelope(type: .storage, body: $0.body, nullifier: [UInt8](repeating: 2, count: 32)) },
        Case(name: "providerKey", expected: .wrongNullifier) { S.editBody($0) { $0["providerKey"] = S.bumpHex($0["providerKey"]) } },
        Case(name: "sectorRoot", expected: .wrongNullifier) { S.editBody($0) { $0["sectorRoot"] = S.bumpHex($0["sectorRoot"]) } },
        Case(name: "leaf byte", expected: .badOpening, mutate: opening(3) { $0["leaf"] = S.bumpHex($0["leaf"]) }),
        Case(name: "path node", expected: .badOpening, mutate: opening(4) { o in S.editArray(&o["path"]) { $0[1] = S.bumpHex($0[1]) } }),
        Case(name: "leafCount", expected: .badOpening) { S.editBody($0) { $0["leafCount"] = S.bumpInt($0["leafCount"]) } },
        Case(name: "ticket signature", expected: .badTicket, mutate: ticket(0) { $0["signature"] = S.bumpHex($0["signature"]) }),
        Case(name: "ticket by provider", expected: .badTicket, mutate: ticket(1) { $0["client"] = .string(Hex.encode(key.publicKey)) }),
        Case(name: "ticket without opening", expected: .badTicket) { env in
            let e = S.editBody(env) { S.editArray(&$0["openings"]) { $0.removeFirst() } }
            return e
        },
        Case(name: "dropped opening", expected: .badSignature) { S.editBody($0) { b in
            S.editArray(&b["openings"]) { $0.removeLast() } } },
        Case(name: "dropped ticket", expected: .badSignature) { S.editBody($0) { S.editArray(&$0["tickets"]) { $0.removeLast() } } },
        Case(name: "signature", expected: .badSignature) { S.editBody($0) { $0["signature"] = S.bumpHex($0["signature"]) } },
    ]

    @Test(arguments: cases) func mutatedFieldIsRejected(_ c: Case) throws {
        let r = StorageVerifier.verify(envelope: c.mutate(try Self.envelope(tickets: 3)), context: Self.context)
        #expect(S.reason(r) == c.expected, "\(c.name): \(r)")
    }

    @Test func policyKeyListIsEnforced() throws {
        var ctx = Self.context
        ctx.allowedProviderKeys[.storage] = [Self.clients[0].publicKey]
        #expect(S.reason(StorageVerifier.verify(envelope: try Self.envelope(), context: ctx)) == .providerNotAllowed)
    }

    /// 3,000 byte-level mutations (SplitMix64 seed 0x5704) of a heartbeat with 4 challenges and
    /// 2 tickets (fewer 4 KiB leaves keep the sweep fast): never a crash, never different metrics.
    @Test func randomMutationsNeverChangeMetrics() throws {
        var ctx = Self.context
        ctx.storageChallenges = 4
        let env = try Self.provider().prove(parentHash: S.parentHash, epoch: 5, challenges: 4, chainId: 1337,
                                            ticketClients: Array(Self.clients.prefix(2)))
        let r = S.mutationSweep(env, seed: 0x5704, count: 3000) { StorageVerifier.verify(envelope: $0, context: ctx) }
        #expect(r.mismatches.isEmpty, "\(r.mismatches.prefix(3))")
        #expect(r.rejected + r.accepted == 3000)
        #expect(r.rejected > 2500)
    }
}
