import MiningCore
import Testing
import TestSupport

@Suite struct HashVectorTests {
    struct Case: Decodable { let msg: String; let keccak512: String; let sha3_256: String }

    @Test func keccak512AndSHA3MatchEveryVector() throws {
        let file = try VectorFile<Case>.load("hashes.json")
        #expect(file.cases.count == 20)
        for c in file.cases {
            let msg = try Hex.decode(c.msg)
            #expect(Hex.encode(Keccak512.hash(msg)) == c.keccak512, "keccak512 of \(c.msg.prefix(20))")
            #expect(Hex.encode(SHA3_256.hash(msg)) == c.sha3_256, "sha3_256 of \(c.msg.prefix(20))")
        }
    }

    @Test func incrementalUpdateEqualsOneShot() throws {
        var rng = SplitMix64(seed: 7)
        for len in [0, 1, 71, 72, 73, 143, 144, 145, 351, 500] {
            let msg = (0..<len).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var k = Keccak512()
            var i = 0
            while i < msg.count {
                let n = min(msg.count - i, Int.random(in: 1...80, using: &rng))
                k.update(msg[i..<(i + n)])
                i += n
            }
            #expect(k.finalize() == Keccak512.hash(msg), "length \(len)")
        }
    }
}
