import Foundation
import MiningCore
import Testing
import TestSupport

@Suite struct PolicyTests {
    static let devnetRoot = "0x12e2961c8265f45e2b9289674b24c42aa9fa903557f7db00d7fadd7180e9110a"

    static func devnetFileText() throws -> String {
        try String(contentsOf: ProjectPaths.spec.appendingPathComponent("devnet-policy.toml"), encoding: .utf8)
    }

    @Test func devnetRootMatchesSpec() throws {
        let p = try Policy(toml: Self.devnetFileText())
        #expect(Hex.encode(p.root) == Self.devnetRoot)
        #expect(Hex.encode(Policy.devnet.root) == Self.devnetRoot)
    }

    @Test func embeddedDevnetIsByteIdenticalToTheSpecCopy() throws {
        let file = try Data(contentsOf: ProjectPaths.spec.appendingPathComponent("devnet-policy.toml"))
        #expect(Data(Policy.devnetTOML.utf8) == file)
    }

    @Test func devnetFields() {
        let p = Policy.devnet
        #expect(p.version == 1)
        #expect(p.gammaCapMicro == 8_000_000)
        #expect(p.escortQPpm == 150_000)
        #expect(p.nullifierTTL == 8192)
        #expect(p.vdfItersPerSecond == 1_000_000)
        #expect(p.vdfMaxT == 100_000_000)
        #expect(p.vdfModuli == ["rsa2048"])
        #expect(p.aiProviders.isEmpty && p.quantumProviders.isEmpty && p.storageProviders.isEmpty)
        #expect(p[.hashShare] == .init(perProofCap: 5_000_000, perTypeCap: 5_000_000, maxProofs: 64, alpha: 1_000_000_000, kPpm: 250_000))
        #expect(p[.ai] == .init(perProofCap: 4_000_000, perTypeCap: 4_000_000, maxProofs: 16, alpha: 1_000_000_000, kPpm: 1_000_000,
                                trapsLowPpm: 600_000, trapsHighPpm: 850_000))
        #expect(p[.quantum].trapsLowPpm == 650_000 && p[.quantum].trapsHighPpm == 900_000 && p[.quantum].maxProofs == 8)
        #expect(p[.storage].availExpPpm == 1_200_000 && p[.storage].retrievalBonusPpm == 250_000 && p[.storage].kPpm == 20_000)
        #expect(p[.vdf].maxProofs == 1 && p[.vdf].kPpm == 50_000 && p[.vdf].trapsLowPpm == nil)
        #expect(p.alphaTuner == nil)
        // Escort: floor(8e6 · 0.85) = 6.8e6 does not bind any devnet type cap.
        #expect(p.effectiveTypeCap(.hashShare) == 5_000_000)
    }

    @Test func jsonFormHasTheSameTreeAndRoot() throws {
        let p = try Policy(json: Policy.devnet.canonicalJSON)
        #expect(p == Policy.devnet)
        #expect(Hex.encode(p.root) == Self.devnetRoot)
        // Whitespace and key order do not matter to the root.
        let pretty = Policy.devnet.canonicalJSON.replacingOccurrences(of: ",", with: ",\n  ")
        #expect(try Policy(json: pretty).root == Policy.devnet.root)
    }

    @Test func alphaTunerTableIsParsed() throws {
        let text = Policy.devnetTOML + """

            [alphaTuner]
            cooldown = 32
            targetPpm = { HASHSHARE = 400000, AI = 300000, QUANTUM = 150000, STORAGE = 100000, VDF = 50000 }

            """
        let p = try Policy(toml: text)
        #expect(p.alphaTuner == .init(cooldown: 32, targetPpm: [.hashShare: 400_000, .ai: 300_000, .quantum: 150_000,
                                                                  .storage: 100_000, .vdf: 50_000]))
        #expect(p.root != Policy.devnet.root)
    }

    @Test func providerKeysMustBe32ByteHex() throws {
        let key = "0x" + String(repeating: "ab", count: 32)
        let ok = Policy.devnetTOML.replacingOccurrences(of: "aiProviders = []", with: "aiProviders = [\"\(key)\"]")
        #expect(try Policy(toml: ok).aiProviders == [key])
        let bad = Policy.devnetTOML.replacingOccurrences(of: "aiProviders = []", with: "aiProviders = [\"\(key)\", \"0x12\"]")
        let e = #expect(throws: PolicyError.self) { try Policy(toml: bad) }
        #expect(e?.keyPath == "aiProviders[1]")
        #expect(e?.line == 10)
    }

    /// One edit of the devnet text per validation rule: the error must name the key path, the
    /// line it is on, and the reason.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let replace: String
        let with: String
        let path: String
        let line: Int?
        let reason: PolicyError.Reason
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown top-level key with suggestion", replace: "escortQPpm = 150000", with: "escortQppm = 150000",
             path: "escortQppm", line: 5, reason: .unknownKey(suggestion: "escortQPpm")),
        Case(name: "unknown key in a type", replace: "[types.VDF]\nperProofCap", with: "[types.VDF]\nperProofCapp = 1\nperProofCap",
             path: "types.VDF.perProofCapp", line: 49, reason: .unknownKey(suggestion: "perProofCap")),
        Case(name: "unknown key without suggestion", replace: "vdfMaxT = 100000000", with: "vdfMaxT = 100000000\nzzz = 1",
             path: "zzz", line: 9, reason: .unknownKey(suggestion: nil)),
        Case(name: "unknown type", replace: "[types.VDF]", with: "[types.VDFF]\nkPpm = 1\n[types.VDF]",
             path: "types.VDFF", line: 48, reason: .unknownKey(suggestion: "VDF")),
        Case(name: "coefficient of another type", replace: "kPpm = 50000", with: "kPpm = 50000\ntrapsLowPpm = 1",
             path: "types.VDF.trapsLowPpm", line: 54, reason: .unknownKey(suggestion: nil)),
        Case(name: "wrong type", replace: "nullifierTTL = 8192", with: "nullifierTTL = \"8192\"",
             path: "nullifierTTL", line: 6, reason: .wrongType(expected: "an integer", found: "a string")),
        Case(name: "float", replace: "escortQPpm = 150000", with: "escortQPpm = 0.15",
             path: "escortQPpm", line: 5, reason: .float),
        Case(name: "float in a type", replace: "alpha = 1000000000\nkPpm = 1000000", with: "alpha = 1.0\nkPpm = 1000000",
             path: "types.AI.alpha", line: 25, reason: .float),
        Case(name: "bool", replace: "vdfMaxT = 100000000", with: "vdfMaxT = true",
             path: "vdfMaxT", line: 8, reason: .wrongType(expected: "an integer", found: "a boolean")),
        Case(name: "string array holds an integer", replace: "vdfModuli = [\"rsa2048\"]", with: "vdfModuli = [\"rsa2048\", 3]",
             path: "vdfModuli[1]", line: 9, reason: .wrongType(expected: "a string", found: "an integer")),
        Case(name: "negative cap", replace: "perProofCap = 3000000", with: "perProofCap = -1",
             path: "types.QUANTUM.perProofCap", line: 31, reason: .outOfRange(value: -1, allowed: "an integer in 0…1000000000000000")),
        Case(name: "perProofCap > perTypeCap", replace: "perProofCap = 4000000", with: "perProofCap = 4000001",
             path: "types.AI.perProofCap", line: 22, reason: .perProofCapAbovePerTypeCap(perProofCap: 4_000_001, perTypeCap: 4_000_000)),
        Case(name: "perTypeCap > gammaCapMicro", replace: "gammaCapMicro = 8000000", with: "gammaCapMicro = 4500000",
             path: "types.HASHSHARE.perTypeCap", line: 16, reason: .perTypeCapAboveGamma(perTypeCap: 5_000_000, gammaCapMicro: 4_500_000)),
        Case(name: "missing top-level key", replace: "nullifierTTL = 8192\n", with: "",
             path: "nullifierTTL", line: nil, reason: .missingKey),
        Case(name: "missing type key", replace: "maxProofs = 8\n", with: "",
             path: "types.QUANTUM.maxProofs", line: 30, reason: .missingKey),
        Case(name: "missing type", replace: "[types.VDF]", with: "[other.VDF]",
             path: "other", line: 48, reason: .unknownKey(suggestion: nil)),
        Case(name: "escort above 10^6", replace: "escortQPpm = 150000", with: "escortQPpm = 1500000",
             path: "escortQPpm", line: 5, reason: .outOfRange(value: 1_500_000, allowed: "an integer in 0…1000000")),
        Case(name: "zero VDF speed", replace: "vdfItersPerSecond = 1000000", with: "vdfItersPerSecond = 0",
             path: "vdfItersPerSecond", line: 7, reason: .outOfRange(value: 0, allowed: "an integer ≥ 1")),
        Case(name: "inverted trap ramp", replace: "trapsLowPpm = 650000", with: "trapsLowPpm = 950000",
             path: "types.QUANTUM.trapsLowPpm", line: 36, reason: .rampInverted(low: 950_000, high: 900_000)),
        Case(name: "wrong version", replace: "version = 1", with: "version = 2",
             path: "version", line: 3, reason: .outOfRange(value: 2, allowed: "1")),
        Case(name: "types is not a table", replace: "storageProviders = []", with: "storageProviders = []\ntypes = 3",
             path: "types", line: nil, reason: .unknownKey(suggestion: nil)),
        Case(name: "unknown alphaTuner key", replace: "storageProviders = []", with: "storageProviders = []\nalphaTuner = { cooldwn = 3 }",
             path: "alphaTuner.cooldwn", line: 13, reason: .unknownKey(suggestion: "cooldown")),
    ]

    @Test(arguments: cases)
    func validationErrorNamesKeyAndLine(_ c: Case) throws {
        let text = try Self.devnetFileText()
        #expect(text.contains(c.replace), "fixture edit must apply")
        let edited = text.replacingOccurrences(of: c.replace, with: c.with)
        let e = #expect(throws: PolicyError.self) { try Policy(toml: edited) }
        if c.name == "types is not a table" {
            // TOML itself rejects redefining `types` as a key: a syntax error with its line.
            guard case .syntax = e?.reason else { Issue.record("expected a syntax error, got \(String(describing: e))"); return }
            #expect(e?.line != nil)
            return
        }
        #expect(e?.keyPath == c.path)
        #expect(e?.line == c.line)
        #expect(e?.reason == c.reason)
        #expect(e?.description.contains(c.path) == true)
    }

    @Test func syntaxErrorHasALine() {
        let e = #expect(throws: PolicyError.self) { try Policy(toml: "version = 1\ngammaCapMicro = = 3\n") }
        #expect(e?.line == 2)
        #expect(e?.keyPath == "")
    }

    @Test func jsonRejectsFloatsEvenWhenIntegral() throws {
        let text = Policy.devnet.canonicalJSON.replacingOccurrences(of: "\"escortQPpm\":150000", with: "\"escortQPpm\":150000.0")
        let e = #expect(throws: PolicyError.self) { try Policy(json: text) }
        #expect(e?.keyPath == "escortQPpm")
        #expect(e?.reason == .float)
        #expect(e?.line == nil)
    }

    @Test func jsonSyntaxErrorsAreTyped() {
        for bad in ["", "{", "{\"a\":1,}", "{\"a\":01}", "[1 2]", "{\"a\":1,\"a\":2}", "{\"a\":\"\u{01}\"}"] {
            let e = #expect(throws: PolicyError.self, "\(bad)") { try Policy(json: bad) }
            if case .syntax = e?.reason {} else { Issue.record("expected a syntax error for \(bad)") }
        }
    }

    @Test func strictJSONKeepsIntegersAndStrings() throws {
        let v = try StrictJSON.parse(#"{"a":[1,-2,3.5,1e3],"b":"x\u00e9\n","c":{"d":true,"e":null}}"#)
        #expect(v == .object(["a": .array([.int(1), .int(-2), .double(3.5), .double(1000)]), "b": .string("xé\n"),
                              "c": .object(["d": .bool(true), "e": .null])]))
    }
}
