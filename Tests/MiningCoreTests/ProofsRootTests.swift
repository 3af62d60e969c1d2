import Foundation
import MiningCore
import Testing
import TestSupport

/// `proofsRoot` (spec §8): the Merkle cases of `nullifiers.json` and the leaf layout.
@Suite struct ProofsRootTests {
    struct MerkleCase: Decodable { let leaves: [String]; let root: String }
    struct File: Decodable { let merkle: [MerkleCase] }

    @Test func everyMerkleCase() throws {
        let data = try Data(contentsOf: ProjectPaths.vectors.appendingPathComponent("nullifiers.json"))
        let file = try JSONDecoder().decode(File.self, from: data)
        #expect(file.merkle.count == 9)
        for c in file.merkle {
            let leaves = try c.leaves.map { try Hex.decode($0, bytes: 32) }
            #expect(Hex.encode(ProofsRoot.merkleRoot(leaves: leaves)) == c.root, "\(c.leaves.count) leaves")
        }
    }

    @Test func oddNodeIsPairedWithItself() {
        let l = (0..<3).map { i in [UInt8](repeating: UInt8(i), count: 32) }
        let h = { (a: [UInt8], b: [UInt8]) in SHA3_256.hash([0x01] + a + b) }
        #expect(ProofsRoot.merkleRoot(leaves: l) == h(h(l[0], l[1]), h(l[2], l[2])))
        #expect(ProofsRoot.merkleRoot(leaves: []) == [UInt8](repeating: 0, count: 32))
    }

    @Test func leafLayout() throws {
        let n = try Nullifier(bytes: (0..<32).map { UInt8($0) })
        let body: JSONValue = ["T": 256, "N": "0x0c", "g": "0x05"]
        let expected = SHA3_256.hash([0x00, 5] + n.bytes + SHA3_256.hash(Array(#"{"N":"0x0c","T":256,"g":"0x05"}"#.utf8)))
        #expect(ProofsRoot.leaf(type: .vdf, nullifier: n, body: body) == expected)
        #expect(ProofsRoot.root(proofs: [(.vdf, n, body)]) == expected)
        // Order matters: leaves are in block order.
        let m = try Nullifier(bytes: [UInt8](repeating: 9, count: 32))
        #expect(ProofsRoot.root(proofs: [(.vdf, n, body), (.ai, m, body)]) != ProofsRoot.root(proofs: [(.ai, m, body), (.vdf, n, body)]))
    }
}
