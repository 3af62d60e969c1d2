import Foundation
import MiningCore
import Testing
import TestSupport

/// Every case of udraw.json: sign-bytes, templateHash, the mixSeed relation, and the draw.
@Suite struct UDrawVectorTests {
    struct Case: Decodable {
        let template: HeaderTemplate
        let parentMixSeed: String
        let signBytes: String
        let templateHash: String
        let nonce: String
        let keccak: String
        let u: String
        let H: Int64
        let blockHash: String
    }

    static let cases: [Case] = (try? VectorFile<Case>.load("udraw.json").cases) ?? []

    @Test func vectorFileDecodesStrictly() throws {
        let file = try VectorFile<Case>.load("udraw.json")
        #expect(file.cases.count == 20)
    }

    @Test func signBytesAndTemplateHashMatchEveryCase() throws {
        #expect(Self.cases.count == 20)
        for (i, c) in Self.cases.enumerated() {
            let sb = c.template.signBytes
            #expect(sb.count == 303, "case \(i)")
            #expect(Hex.encode(sb) == c.signBytes, "case \(i) signBytes")
            #expect(Hex.encode(c.template.templateHash) == c.templateHash, "case \(i) templateHash")
        }
    }

    /// The mixSeed relation holds with the template's own height (h, not h − 1) in all 20 cases.
    @Test func mixSeedDerivesFromParentAtTemplateHeight() throws {
        for (i, c) in Self.cases.enumerated() {
            let derived = MixSeed.derive(
                parentMixSeed: try Hex.decode(c.parentMixSeed, bytes: 32),
                parentHash: c.template.parentHash, height: c.template.height)
            #expect(derived == c.template.nonceDomain.mixSeed, "case \(i)")
            if c.template.height > 0 {
                let off = MixSeed.derive(
                    parentMixSeed: try Hex.decode(c.parentMixSeed, bytes: 32),
                    parentHash: c.template.parentHash, height: c.template.height - 1)
                #expect(off != c.template.nonceDomain.mixSeed, "case \(i): height − 1 must not match")
            }
        }
    }

    @Test func drawMatchesEveryCase() throws {
        for (i, c) in Self.cases.enumerated() {
            let nonce = try Nonce(hex: c.nonce)
            #expect(nonce.hex == c.nonce)
            let r = UDraw.draw(template: c.template, nonce: nonce)
            #expect(Hex.encode(r.keccak) == c.keccak, "case \(i) keccak")
            #expect(Hex.encode(r.u) == c.u, "case \(i) u")
            #expect(r.H == c.H, "case \(i) H")
            #expect(Hex.encode(r.blockHash) == c.blockHash, "case \(i) blockHash")
            #expect(UDraw.preimage(signBytes: c.template.signBytes, nonce: nonce,
                                   mixSeed: c.template.nonceDomain.mixSeed).count == 351)
        }
    }

    @Test func nonceFieldsAreBigEndian() throws {
        let n = try Nonce(hex: "0x0102030405060708090a0b0c0d0e0f10")
        #expect(n.extranonce1 == 0x0102_0304)
        #expect(n.extranonce2 == 0x0506_0708)
        #expect(n.counter == 0x090a_0b0c_0d0e_0f10)
        #expect(Nonce(extranonce1: 1, extranonce2: 2, counter: 3).hex == "0x00000001000000020000000000000003")
        #expect(Nonce(bytes: [UInt8](repeating: 0, count: 15)) == nil)
    }

    @Test func genesisMixSeedIsZero() {
        #expect(MixSeed.genesis == [UInt8](repeating: 0, count: 32))
    }
}
