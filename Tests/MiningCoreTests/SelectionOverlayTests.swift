import MiningCore
import Testing

/// `SelectionOverlay`: parsed with the policy's TOML front end, applied to the devnet policy
/// (Γ 8 nats, q 150000 ppm, AI caps 4 nats and 16 proofs, VDF 0.5 nat and 1 proof).
@Suite struct SelectionOverlayTests {
    static let tight = """
    # tighter than the network policy (devnet-policy.toml)
    gammaCapMicro = 6000000
    escortQPpm = 300000
    [types.AI]
    perTypeCap = 2000000
    perProofCap = 1000000
    maxProofs = 4
    """

    @Test func tighterOverlayIsAppliedKeyByKey() throws {
        let overlay = try SelectionOverlay(toml: Self.tight)
        let caps = try overlay.apply(to: .devnet)
        #expect(caps.gammaCapMicro == 6_000_000)
        #expect(caps.escortQPpm == 300_000)
        #expect(caps.perTypeCap[.ai] == 2_000_000)
        #expect(caps.perProofCap[.ai] == 1_000_000)
        #expect(caps.maxProofs[.ai] == 4)
        // Keys not set keep the network's limits.
        let net = Policy.devnet.caps
        for t in ProofType.allCases where t != .ai {
            #expect(caps.perProofCap[t] == net.perProofCap[t])
            #expect(caps.perTypeCap[t] == net.perTypeCap[t])
            #expect(caps.maxProofs[t] == net.maxProofs[t])
        }
        // The escort rule follows the tightened Γ and q: min(2, 6·0.7) = 2 for AI, min(3, 4.2) for QUANTUM.
        #expect(caps.effectiveTypeCap(.ai) == 2_000_000)
        #expect(caps.effectiveTypeCap(.quantum) == 3_000_000)
        #expect(caps.effectiveTypeCap(.hashShare) == 4_200_000)
    }

    @Test func emptyOverlayIsTheNetworkPolicy() throws {
        #expect(try SelectionOverlay(toml: "# nothing tightened\n").apply(to: .devnet) == Policy.devnet.caps)
    }

    @Test func equalLimitsAreAccepted() throws {
        let caps = try SelectionOverlay(toml: "gammaCapMicro = 8000000\nescortQPpm = 150000\n[types.VDF]\nmaxProofs = 1\n").apply(to: .devnet)
        #expect(caps == Policy.devnet.caps)
    }

    @Test func zeroForbidsAType() throws {
        let caps = try SelectionOverlay(toml: "[types.STORAGE]\nmaxProofs = 0\n").apply(to: .devnet)
        #expect(caps.maxProofs[.storage] == 0)
        let pick = ProofSelector(caps: caps).select(
            [SelectionCandidate(type: .storage, psiAdjMicro: 500_000, nullifier: Array(repeating: 1, count: 32))], thetaMicro: 10_000_000)
        #expect(pick.chosen.isEmpty)
    }

    struct Loose: Sendable, CustomTestStringConvertible {
        let text: String
        let path: String
        let line: Int
        let value: Int64
        let network: Int64
        var testDescription: String { path }
    }

    static let loose: [Loose] = [
        Loose(text: "# loose\ngammaCapMicro = 8000001\n", path: "gammaCapMicro", line: 2, value: 8_000_001, network: 8_000_000),
        Loose(text: "escortQPpm = 149999\n", path: "escortQPpm", line: 1, value: 149_999, network: 150_000),
        Loose(text: "gammaCapMicro = 1\n\n[types.AI]\nperProofCap = 1\nperTypeCap = 5000000\n",
              path: "types.AI.perTypeCap", line: 5, value: 5_000_000, network: 4_000_000),
        Loose(text: "[types.QUANTUM]\nperProofCap = 3000001\n", path: "types.QUANTUM.perProofCap", line: 2, value: 3_000_001, network: 3_000_000),
        Loose(text: "[types.VDF]\nmaxProofs = 2\n", path: "types.VDF.maxProofs", line: 2, value: 2, network: 1),
        Loose(text: "[types.HASHSHARE]\nmaxProofs = 64\n[types.STORAGE]\nmaxProofs = 17\n", path: "types.STORAGE.maxProofs", line: 4, value: 17, network: 16),
    ]

    @Test(arguments: loose) func looserKeyIsRefusedWithItsPathAndLine(_ c: Loose) throws {
        let overlay = try SelectionOverlay(toml: c.text)
        let e = #expect(throws: PolicyError.self) { try overlay.apply(to: .devnet) }
        #expect(e?.keyPath == c.path)
        #expect(e?.line == c.line)
        #expect(e?.reason == .loosens(value: c.value, network: c.network))
        #expect(e?.located(file: "overlay.toml").hasPrefix("overlay.toml:\(c.line): \(c.path) = \(c.value) loosens the network policy's \(c.network); an overlay may only tighten") == true)
    }

    @Test func theBriefsExampleMessage() throws {
        let text = "# loose\ngammaCapMicro = 6000000\n[types.AI]\nperProofCap = 1000000\nperTypeCap = 5000000\n"
        let e = #expect(throws: PolicyError.self) { try SelectionOverlay(toml: text).apply(to: .devnet) }
        #expect(e?.located(file: "overlay.toml")
                == "overlay.toml:5: types.AI.perTypeCap = 5000000 loosens the network policy's 4000000; an overlay may only tighten")
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let path: String
        let line: Int
        let reason: PolicyError.Reason
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "unknown key with suggestion", text: "gammaCapMicr = 1\n", path: "gammaCapMicr", line: 1,
            reason: .unknownKey(suggestion: "gammaCapMicro")),
        Bad(name: "unknown type key with suggestion", text: "[types.AI]\nperTypeCp = 1\n", path: "types.AI.perTypeCp", line: 2,
            reason: .unknownKey(suggestion: "perTypeCap")),
        Bad(name: "unknown key without suggestion", text: "\nzzz = 1\n", path: "zzz", line: 2, reason: .unknownKey(suggestion: nil)),
        Bad(name: "unknown type", text: "[types.A1]\nmaxProofs = 1\n", path: "types.A1", line: 1, reason: .unknownKey(suggestion: "AI")),
        Bad(name: "policy key that is not a selection limit", text: "nullifierTTL = 10\n", path: "nullifierTTL", line: 1,
            reason: .notOverlayKey),
        Bad(name: "kPpm", text: "[types.AI]\nmaxProofs = 1\nkPpm = 1\n", path: "types.AI.kPpm", line: 3, reason: .notOverlayKey),
        Bad(name: "alpha", text: "[types.VDF]\nalpha = 1\n", path: "types.VDF.alpha", line: 2, reason: .notOverlayKey),
        Bad(name: "trap ramp", text: "[types.QUANTUM]\ntrapsLowPpm = 1\n", path: "types.QUANTUM.trapsLowPpm", line: 2, reason: .notOverlayKey),
        Bad(name: "alpha tuner", text: "[alphaTuner]\ncooldown = 1\n", path: "alphaTuner", line: 1, reason: .notOverlayKey),
        Bad(name: "string", text: "gammaCapMicro = \"6000000\"\n", path: "gammaCapMicro", line: 1,
            reason: .wrongType(expected: "an integer", found: "a string")),
        Bad(name: "float", text: "[types.AI]\nperTypeCap = 2.0\n", path: "types.AI.perTypeCap", line: 2, reason: .float),
        Bad(name: "types not a table", text: "types = 3\n", path: "types", line: 1,
            reason: .wrongType(expected: "a table", found: "an integer")),
        Bad(name: "negative cap", text: "[types.AI]\nperProofCap = -1\n", path: "types.AI.perProofCap", line: 2,
            reason: .outOfRange(value: -1, allowed: "an integer in 0…1000000000000000")),
        Bad(name: "negative maxProofs", text: "[types.AI]\nmaxProofs = -4\n", path: "types.AI.maxProofs", line: 2,
            reason: .outOfRange(value: -4, allowed: "an integer in 0…2147483647")),
        Bad(name: "escort above 10^6", text: "escortQPpm = 1000001\n", path: "escortQPpm", line: 1,
            reason: .outOfRange(value: 1_000_001, allowed: "an integer in 0…1000000")),
    ]

    @Test(arguments: bad) func badOverlayIsRefusedWhenParsed(_ c: Bad) {
        let e = #expect(throws: PolicyError.self) { try SelectionOverlay(toml: c.text) }
        #expect(e?.keyPath == c.path)
        #expect(e?.line == c.line)
        #expect(e?.reason == c.reason)
    }

    @Test func nonSelectionKeyMessageSaysWhatOverlaysTighten() {
        let e = #expect(throws: PolicyError.self) { try SelectionOverlay(toml: "[types.AI]\nkPpm = 1\n") }
        let m = e?.located(file: "o.toml") ?? ""
        #expect(m.hasPrefix("o.toml:2: types.AI.kPpm is a network policy key an overlay cannot change"))
        for word in ["perProofCap", "perTypeCap", "gammaCapMicro", "escortQPpm", "maxProofs"] { #expect(m.contains(word)) }
    }

    @Test func syntaxErrorHasALine() {
        let e = #expect(throws: PolicyError.self) { try SelectionOverlay(toml: "gammaCapMicro = 1\n[types.AI\n") }
        #expect(e?.keyPath == "")
        #expect(e?.line == 2)
    }

    /// The overlay only narrows what is chosen: over the same candidates, the overlay's selection
    /// is a subset the network policy credits at least as much as the overlay does.
    @Test func selectionUnderOverlayCapsStopsAtTheTighterCap() throws {
        let caps = try SelectionOverlay(toml: "[types.AI]\nperTypeCap = 2000000\n").apply(to: .devnet)
        let candidates = (1...4).map { i in
            SelectionCandidate(type: .ai, psiAdjMicro: 1_000_488, nullifier: Array(repeating: UInt8(i), count: 32))
        }
        let local = ProofSelector(caps: caps).select(candidates, thetaMicro: 20_000_000)
        let network = ProofSelector(policy: .devnet).select(candidates, thetaMicro: 20_000_000)
        #expect(local.chosen.count == 2)
        #expect(network.chosen.count == 4)
        #expect(local.credit.credited.reduce(0, +) == 2_000_000)
        let networkCredit = Credit.compute(local.chosen.map {
            CreditProof(type: .ai, psiAdjMicro: candidates[$0].psiAdjMicro, nullifier: candidates[$0].nullifier)
        }, caps: Policy.devnet.caps)
        #expect(networkCredit.credited.reduce(0, +) == 2_000_976)
    }
}
