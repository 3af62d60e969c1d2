import MiningCore
import Testing
import TestSupport
@testable import Verifiers

/// The Swift SHA3-256 midstate against OpenSSL's SHA3-256 on seeded random prefixes and suffixes
/// (SplitMix64 seed 0x5A3), including every prefix length around the 136-byte block edge.
@Suite struct SHA3MidstateTests {
    @Test func matchesOpenSSL() {
        var rng = SplitMix64(seed: 0x5A3)
        let m = SHA3Midstate()
        var out = [UInt8](repeating: 0, count: 32)
        for prefixLength in Array(0...300) + [799, 800, 1000] {
            let prefix = (0..<prefixLength).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            m.reset(prefix: [7, 7], prefix)
            // Several suffixes per prefix, sharing leading bytes, to exercise the spill-block cache.
            let first = (0..<Int(rng.next() % 135)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var suffixes = [first, first, [UInt8](repeating: 0, count: 8), [0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 2]]
            if !first.isEmpty { suffixes.append(first.dropLast() + [first.last! ^ 1]) }
            suffixes.append(first.reversed())
            for suffix in suffixes {
                suffix.withUnsafeBytes { s in out.withUnsafeMutableBufferPointer { m.digest(suffix: s, into: $0.baseAddress!) } }
                #expect(out == SHA3_256.hash([7, 7] + prefix + suffix), "prefix \(prefixLength), suffix \(suffix.count)")
            }
        }
        #expect(Hex.encode(SHA3_256.hash([UInt8]())) == "0xa7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
    }
}
