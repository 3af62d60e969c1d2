import MiningCore
import Testing
import TestSupport

/// The α tuner of spec §7.
@Suite struct AlphaTunerTests {
    static let one = AlphaTuner.one

    func norm(_ tuner: AlphaTuner, _ alpha: [Int64]) -> Int64 {
        var n: Int64 = 0
        for t in ProofType.allCases { n += alpha[Int(t.rawValue) - 1] * (tuner.config.targetPpm[t] ?? 0) }
        return n / 1_000_000_000
    }

    @Test func handComputedWithoutRenormalisation() throws {
        // Targets HASHSHARE 50%, AI 50%; one block with 3 HASHSHARE units and 1 AI unit, cooldown 1.
        // ema = [768, 256, 0, 0, 0], Σ 1024 → shares 750000, 250000, 0, 0, 0.
        // factors: 5e11/750000 = 666666 → 950000; 5e11/250000 = 2000000 → 1050000; 0 → 950000.
        // α = [0.95, 1.05, 0.95, 0.95, 0.95]e9; norm = (0.95e9·5e5 + 1.05e9·5e5)/1e9 = 1e6: unchanged.
        let tuner = AlphaTuner(try .init(enabled: true, cooldown: 1, targetPpm: [.hashShare: 500_000, .ai: 500_000]))
        let s = tuner.next(tuner.initialState(), units: [.hashShare: 3, .ai: 1])
        #expect(s.ema == [768, 256, 0, 0, 0])
        #expect(s.alpha == [950_000_000, 1_050_000_000, 950_000_000, 950_000_000, 950_000_000])
    }

    @Test func handComputedWithRenormalisation() throws {
        // Targets 60% / 40%, equal units → shares 500000 each; factors 1200000 → 1050000 and
        // 800000 → 950000; α = [1.05, 0.95, 0.95, 0.95, 0.95]e9; norm = (6.3e14 + 3.8e14)/1e9 = 1010000,
        // so α ← floor(α·1e6/1010000) = [1039603960, 940594059, 940594059, …].
        let tuner = AlphaTuner(try .init(enabled: true, cooldown: 1, targetPpm: [.hashShare: 600_000, .ai: 400_000]))
        let s = tuner.next(tuner.initialState(), units: [.hashShare: 1, .ai: 1])
        #expect(s.alpha == [1_039_603_960, 940_594_059, 940_594_059, 940_594_059, 940_594_059])
        #expect(norm(tuner, s.alpha) == 999_999)
    }

    @Test func emaRecurrenceAndCooldown() throws {
        let tuner = AlphaTuner(try .init(enabled: true, cooldown: 4))
        var s = tuner.initialState()
        var ema: Int64 = 0
        for b in 1...12 {
            s = tuner.next(s, units: [.vdf: 5])
            ema = ema - (ema >> 8) + (5 << 8)
            #expect(s.ema(.vdf) == ema)
            // α moves only on blocks 4, 8, 12.
            if b < 4 { #expect(s.alpha == Array(repeating: Self.one, count: 5)) }
        }
        #expect(s.alpha(.vdf) < Self.one && s.alpha(.ai) > Self.one)
    }

    @Test func disabledByDefaultNeverMovesAlpha() {
        let tuner = AlphaTuner()
        #expect(!tuner.config.enabled && tuner.config.cooldown == 32)
        var s = tuner.initialState(alpha: [.ai: 2 * Self.one])
        for _ in 0..<100 { s = tuner.next(s, units: [.hashShare: 100]) }
        #expect(s.alpha == [Self.one, 2 * Self.one, Self.one, Self.one, Self.one])
        #expect(s.ema(.hashShare) > 0)
    }

    @Test func noUnitsSkipsTuning() throws {
        let tuner = AlphaTuner(try .init(enabled: true, cooldown: 1))
        let s = tuner.next(tuner.initialState(), units: [:])
        #expect(s.alpha == Array(repeating: Self.one, count: 5))
    }

    @Test func movesAlphaUpForUnderRepresentedTypes() throws {
        // Equal targets; HASHSHARE floods blocks, AI is rare, the rest moderate.
        let tuner = AlphaTuner(try .init(enabled: true, cooldown: 32))
        var s = tuner.initialState()
        for _ in 0..<(32 * 20) { s = tuner.next(s, units: [.hashShare: 50, .ai: 1, .quantum: 10, .storage: 10, .vdf: 10]) }
        #expect(s.alpha(.ai) > Self.one)
        #expect(s.alpha(.hashShare) < Self.one)
        // QUANTUM (12% vs 20%) is also under its target; both hit the +5% clamp, so they move alike.
        #expect(s.alpha(.ai) >= s.alpha(.quantum) && s.alpha(.quantum) > s.alpha(.hashShare))
    }

    @Test func alphaStaysInBoundsAndRenormalises() throws {
        // Fixed seed 2024: random targets and random (bursty) units for 20,000 blocks, cooldown 1..8.
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<20 {
            var cuts = (0..<4).map { _ in Int64.random(in: 0...1_000_000, using: &rng) }.sorted()
            cuts = [0] + cuts + [1_000_000]
            let targets = Dictionary(uniqueKeysWithValues: ProofType.allCases.enumerated().map { ($1, cuts[$0 + 1] - cuts[$0]) })
            let tuner = AlphaTuner(try .init(enabled: true, cooldown: Int64.random(in: 1...8, using: &rng), targetPpm: targets))
            var s = tuner.initialState()
            for _ in 0..<1000 {
                let units = Dictionary(uniqueKeysWithValues: ProofType.allCases.map {
                    ($0, Int64.random(in: 0..<10, using: &rng) == 0 ? Int64.random(in: 0...(1 << 45), using: &rng) : Int64.random(in: 0...3, using: &rng))
                })
                let before = s.alpha
                s = tuner.next(s, units: units)
                #expect(s.alpha.allSatisfy { (AlphaTuner.alphaMin...AlphaTuner.alphaMax).contains($0) })
                if s.alpha != before, !s.alpha.contains(AlphaTuner.alphaMin), !s.alpha.contains(AlphaTuner.alphaMax) {
                    // Floor division loses < 1 per type: the weighted mean is 1.0 to within 1 ppm.
                    let n = norm(tuner, s.alpha)
                    #expect((999_998...1_000_000).contains(n), "norm \(n)")
                }
            }
        }
    }

    @Test func configValidationNamesTheKey() {
        #expect(throws: AlphaTunerError.invalid(key: "cooldown", expected: "an integer ≥ 1")) { try AlphaTuner.Config(cooldown: 0) }
        #expect(throws: AlphaTunerError.self) { try AlphaTuner.Config(targetPpm: [.ai: 999_999]) }
        #expect(throws: AlphaTunerError.unknownKey("targetPpm.FOO")) {
            try AlphaTuner.Config(table: ["targetPpm": ["FOO": 1]])
        }
        #expect(throws: AlphaTunerError.unknownKey("speed")) { try AlphaTuner.Config(table: ["speed": 1]) }
        #expect(throws: AlphaTunerError.invalid(key: "targetPpm.AI", expected: "an integer in [0, 1000000]")) {
            try AlphaTuner.Config(table: ["targetPpm": ["AI": -1, "VDF": 1_000_001]])
        }
        #expect((try? AlphaTuner.Config(table: ["enabled": true, "cooldown": 8, "targetPpm": ["AI": 1_000_000]]))
                == (try? AlphaTuner.Config(enabled: true, cooldown: 8, targetPpm: [.ai: 1_000_000])))
    }
}
