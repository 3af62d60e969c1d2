import Foundation
import MiningCore
import Testing
import TestSupport

/// `nullifiers.json`: every nullifier case, and the typed identity builders (spec §8).
@Suite struct NullifierVectorTests {
    struct NullifierCase: Decodable { let type: String; let identity: String; let chainId: UInt32; let nullifier: String }
    struct File: Decodable { let nullifiers: [NullifierCase] }

    static func load() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: ProjectPaths.vectors.appendingPathComponent("nullifiers.json")))
    }

    static func type(_ name: String) throws -> ProofType {
        try #require(ProofType.allCases.first { $0.nullifierName == name }, "type \(name)")
    }

    @Test func everyNullifierCase() throws {
        let file = try Self.load()
        #expect(file.nullifiers.count == 10)
        for c in file.nullifiers {
            let n = Nullifier(type: try Self.type(c.type), identityBytes: try Hex.decode(c.identity), chainId: c.chainId)
            #expect(n.hex == c.nullifier, "\(c.type) chainId \(c.chainId)")
            #expect(try Nullifier(hex: c.nullifier) == n)
        }
    }

    @Test func typedAIIdentityReproducesTheVector() throws {
        // The 160-byte AI case has the AI layout: five 32-byte fields.
        let c = try #require(try Self.load().nullifiers.first { $0.type == "ai" && $0.identity.count == 2 + 320 })
        let b = try Hex.decode(c.identity)
        let f = (0..<5).map { Array(b[(32 * $0)..<(32 * $0 + 32)]) }
        let id = NullifierIdentity.ai(providerKeyHash: f[0], modelDigest: f[1], inputDigest: f[2], outputDigest: f[3], trapRoot: f[4])
        #expect(try Nullifier(identity: id, chainId: c.chainId).hex == c.nullifier)
    }

    @Test func identityLayouts() throws {
        let a = [UInt8](repeating: 0xaa, count: 32), b = [UInt8](repeating: 0xbb, count: 32)
        let c = [UInt8](repeating: 0xcc, count: 32), n16 = [UInt8](repeating: 0x16, count: 16)
        #expect(try NullifierIdentity.hashShare(templateHash: a, nonce: n16, mixSeed: b).bytes() == a + n16 + b)
        #expect(try NullifierIdentity.quantum(providerKeyHash: a, circuitDigest: b, resultDigest: c, trapRoot: a).bytes() == a + b + c + a)
        #expect(try NullifierIdentity.storage(providerKeyHash: a, sectorRoot: b, epoch: 0x0102030405060708).bytes()
                == a + b + [1, 2, 3, 4, 5, 6, 7, 8])
        let nBytes: [UInt8] = [0xc3, 0x01], g: [UInt8] = [0x05]
        #expect(try NullifierIdentity.vdf(N: nBytes, g: g, T: 256).bytes()
                == SHA3_256.hash(nBytes) + SHA3_256.hash(g) + [0, 0, 0, 0, 0, 0, 1, 0])
        // The domain tag and chain id enter as the spec lays them out.
        let id = try NullifierIdentity.storage(providerKeyHash: a, sectorRoot: b, epoch: 9).bytes()
        let manual = SHA3_256.hash(Array("animica:nullifier:storage:v1".utf8) + [0] + SHA3_256.hash(id) + [0, 0, 0x05, 0x39])
        #expect(try Nullifier(identity: .storage(providerKeyHash: a, sectorRoot: b, epoch: 9), chainId: 1337).bytes == manual)
    }

    @Test func wrongLengthsAreRejectedByName() {
        let a = [UInt8](repeating: 0, count: 32)
        #expect(throws: NullifierError.wrongLength(field: "nonce", expected: 16, actual: 8)) {
            try NullifierIdentity.hashShare(templateHash: a, nonce: [UInt8](repeating: 0, count: 8), mixSeed: a).bytes()
        }
        #expect(throws: NullifierError.wrongLength(field: "trapRoot", expected: 32, actual: 31)) {
            try NullifierIdentity.ai(providerKeyHash: a, modelDigest: a, inputDigest: a, outputDigest: a,
                                     trapRoot: Array(a.dropLast())).bytes()
        }
        #expect(throws: NullifierError.self) { try Nullifier(hex: "0x1234") }
        #expect(throws: NullifierError.self) { try Nullifier(bytes: []) }
    }

    @Test func bytesRoundTripAndOrderIsByteOrder() throws {
        // Fixed seed 3.
        var rng = SplitMix64(seed: 3)
        var all: [Nullifier] = []
        for _ in 0..<200 {
            let b = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let n = try Nullifier(bytes: b)
            #expect(n.bytes == b)
            all.append(n)
        }
        let byWords = all.sorted().map(\.bytes)
        let byBytes = all.map(\.bytes).sorted { $0.lexicographicallyPrecedes($1) }
        #expect(byWords == byBytes)
    }
}
