import Foundation
import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// The verifiers' nullifier helper against Tests/Vectors/nullifiers.json.
@Suite struct ProofNullifierTests {
    struct Entry: Decodable {
        let type: String
        let identity: String
        let chainId: UInt32
        let nullifier: String
    }
    struct File: Decodable { let nullifiers: [Entry] }

    @Test func matchesVectors() throws {
        let data = try Data(contentsOf: ProjectPaths.vectors.appendingPathComponent("nullifiers.json"))
        let entries = try JSONDecoder().decode(File.self, from: data).nullifiers
        #expect(!entries.isEmpty)
        for e in entries {
            let t = try #require(ProofType.allCases.first { $0.nullifierName == e.type })
            let got = ProofNullifier.compute(type: t, identity: try Hex.decode(e.identity), chainId: e.chainId)
            #expect(Hex.encode(got) == e.nullifier, "\(e.type) chain \(e.chainId)")
        }
    }
}
