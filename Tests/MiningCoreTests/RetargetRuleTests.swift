import Foundation
import MiningCore
import Testing
import TestSupport

/// Properties of the research rules and of the configuration reader.
@Suite struct RetargetRuleTests {
    static let fast = RetargetSample(dt: 1.0)   // half the 2 s target
    static let slow = RetargetSample(dt: 4.0)

    func run<R: RetargetRule>(_ rule: R, _ sample: RetargetSample, blocks: Int, theta0: Int64 = 5_000_000) -> [Int64] {
        rule.thetas(theta0: theta0, samples: Array(repeating: sample, count: blocks))
    }

    @Test func emaIsStableAtTheTargetInterval() throws {
        let rule = EMARetarget.devnet
        for theta0: Int64 in [1_000_000, 2_000_000, 7_485_510, 12_000_000] {
            let t = run(rule, RetargetSample(dt: 2.0), blocks: 1000, theta0: theta0)
            #expect(t.allSatisfy { $0 == theta0 }, "Θ0 \(theta0)")
        }
    }

    @Test func emaIgnoresInvalidSamples() {
        let rule = EMARetarget.devnet
        let s0 = EMARetarget.State(theta: 3_000_000, ema: 0.125)
        for dt in [0.0, -1.0, -.infinity, .infinity, .nan] {
            #expect(rule.next(s0, RetargetSample(dt: dt, skipped: 3)) == s0, "dt \(dt)")
        }
    }

    @Test func emaHandCase() throws {
        // One fast block from Θ 2e6: α = 1 − 2^(−1/24); ê = α·ln(0.5); target = (2 − 0.75·ê)·1e6.
        let alpha = 1 - pow(2.0, -1.0 / 24)
        let e = (1 - alpha) * 0 + alpha * log(1.0 / 2.0)
        let expected = Int64(((2.0 - 0.75 * e) * 1e6).rounded(.toNearestOrEven))
        #expect(run(EMARetarget.devnet, Self.fast, blocks: 1, theta0: 2_000_000) == [expected])
        #expect(expected == 2_014_799)  // Python: round((2 - 0.75*(1-2**(-1/24))*log(0.5))*1e6)
    }

    @Test func everyRuleRaisesThetaOnFastBlocksAndLowersItOnSlowOnes() throws {
        let rules: [AnyRetargetRule] = [
            .ema(.devnet), .window(try WindowRetarget()), .asert(.devnet),
        ]
        for rule in rules {
            let up = run(rule, Self.fast, blocks: 240)
            let down = run(rule, Self.slow, blocks: 240)
            #expect(up.last! > 5_000_000, "\(rule.name) fast")
            #expect(down.last! < 5_000_000, "\(rule.name) slow")
            // Monotone: never moves the wrong way.
            #expect(zip(up, up.dropFirst()).allSatisfy { $0 <= $1 }, "\(rule.name) fast monotone")
            #expect(zip(down, down.dropFirst()).allSatisfy { $0 >= $1 }, "\(rule.name) slow monotone")
            #expect(run(rule, RetargetSample(dt: 2.0), blocks: 240).allSatisfy { $0 == 5_000_000 }, "\(rule.name) on schedule")
        }
    }

    @Test func windowMovesOncePerWindowByLnRatio() throws {
        let rule = try WindowRetarget(.init(window: 10))
        let t = run(rule, Self.fast, blocks: 20)
        #expect(t[0..<9].allSatisfy { $0 == 5_000_000 })
        #expect(t[9] == 5_000_000 + 693_147)          // ln 2 · 1e6, rounded
        #expect(t[10..<19].allSatisfy { $0 == t[9] })
        #expect(t[19] == 5_000_000 + 2 * 693_147)
        // The timespan clamp: 100× too slow moves by ln 4 only.
        let slow = run(rule, RetargetSample(dt: 200), blocks: 10)
        #expect(slow[9] == 5_000_000 - 1_386_294)
    }

    @Test func asertV1FollowsTheScheduleInIntegers() throws {
        let rule = try ASERTv1(.init(targetBlockMs: 2000, halfLifeMs: 48_000, thetaMinMicro: 1_000_000, thetaMaxMicro: 64_000_000))
        // 48 s behind schedule halves the work: −ln 2 nats (⌊−48000 · L / (48000 · 10^12)⌋).
        var s = rule.initialState(theta0: 5_000_000)
        rule.step(&s, RetargetSample(dtMs: 50_000))            // ideal 2 s, actual 50 s
        #expect(s == 5_000_000 - 693_148)                       // floor of −693147.18…
        // Making up the time returns to within the floor remainders of the anchor.
        for _ in 0..<24 { rule.step(&s, RetargetSample(dtMs: 0)) }
        #expect(abs(s - 5_000_000) <= 25)
        // Seconds are rounded to the millisecond: the same as the integer sample.
        #expect(rule.next(5_000_000, RetargetSample(dt: 2.0004)) == rule.next(5_000_000, dtMs: 2000))
        #expect(rule.next(5_000_000, RetargetSample(dt: .nan)) == 5_000_000)
        // Θ₀ is clamped into the bounds; huge gaps are clamped to ±2^40 ms and stay at a bound.
        #expect(rule.initialState(theta0: 100_000_000) == 64_000_000)
        #expect(rule.next(30_000_000, dtMs: .max) == 1_000_000)
        #expect(rule.next(30_000_000, dtMs: .min) == 64_000_000)
    }

    @Test func rulesStayWithinBoundsUnderRandomIntervals() throws {
        // Fixed seed 42: random intervals spanning 1e-3 … 1e3 seconds, some invalid.
        var rng = SplitMix64(seed: 42)
        let samples = (0..<5000).map { _ -> RetargetSample in
            let dt = Double.random(in: 0..<1, using: &rng) < 0.05 ? -1 : exp(Double.random(in: -7...7, using: &rng))
            return RetargetSample(dt: dt, skipped: Int.random(in: 0...3, using: &rng))
        }
        for rule: AnyRetargetRule in [.ema(.devnet), .window(try WindowRetarget()), .asert(.devnet)] {
            let t = rule.thetas(theta0: 2_000_000, samples: samples)
            #expect(t.allSatisfy { (1_000_000...64_000_000).contains($0) }, "\(rule.name)")
        }
        #expect(FixedRetarget().thetas(theta0: 777, samples: samples).allSatisfy { $0 == 777 })
    }

    @Test func configReadsEveryRuleWithDefaults() throws {
        #expect(try RetargetRuleConfig(table: [:]) == .ema(.devnet))
        #expect(try RetargetRuleConfig(table: ["rule": "fixed"]) == .fixed)
        #expect(try RetargetRuleConfig(table: ["rule": "window", "window": 2016]) == .window(.init(window: 2016)))
        // asert-v1 under its chain-document names, or the research names in seconds (alias `asert`).
        let bch = RetargetRuleConfig.asert(.init(targetBlockMs: 600_000, halfLifeMs: 172_800_000,
                                                 thetaMinMicro: 1_000_000, thetaMaxMicro: 64_000_000))
        #expect(try RetargetRuleConfig(table: ["rule": "asert", "halfLife": .double(172_800), "T": 600]) == bch)
        #expect(try RetargetRuleConfig(table: ["rule": "asert-v1", "halfLifeMs": 172_800_000, "targetBlockMs": 600_000]) == bch)
        #expect(try RetargetRuleConfig(table: ["rule": "ema-v1"]) == .ema(.devnet))
        let toml = """
            rule = "ema"
            T = 3
            beta = 0.5
            step = 100000.0
            """
        #expect(try RetargetRuleConfig(toml: toml) == .ema(.init(T: 3, beta: 0.5, step: 100_000)))
        // Round trip through the table and through Codable.
        for c: RetargetRuleConfig in [.ema(.devnet), .window(.init(window: 7)), .asert(.devnet), .fixed] {
            #expect(try RetargetRuleConfig(table: c.table) == c)
            let data = try JSONEncoder().encode(c)
            #expect(try JSONDecoder().decode(RetargetRuleConfig.self, from: data) == c)
        }
        let p = try JSONDecoder().decode(EMARetarget.Params.self, from: Data(#"{"beta":1}"#.utf8))
        #expect(p == .init(beta: 1))
    }

    @Test func configRejectsBadInputNamingTheKey() {
        func error(_ t: [String: JSONValue]) -> String? {
            do { _ = try RetargetRuleConfig(table: t); return nil } catch { return error.description }
        }
        #expect(error(["rule": "ema", "window": 5]) == "window: unknown key")
        #expect(error(["rule": "fixed", "T": 2]) == "T: unknown key")
        #expect(error(["rule": "bitcoin"])?.hasPrefix("rule: unknown rule 'bitcoin'") == true)
        #expect(error(["rule": 3])?.hasPrefix("rule: expected") == true)
        #expect(error(["T": "two"])?.hasPrefix("T: expected a number") == true)
        #expect(error(["T": 0])?.hasPrefix("T: expected") == true)
        #expect(error(["step": .double(1.5)])?.hasPrefix("step: expected an integer") == true)
        #expect(error(["step": -1])?.hasPrefix("step: expected") == true)
        #expect(error(["thetaMin": 5, "thetaMax": 4])?.hasPrefix("thetaMax: expected") == true)
        #expect(error(["rule": "window", "window": 0])?.hasPrefix("window: expected") == true)
        #expect(error(["rule": "window", "maxFactor": .double(0.5)])?.hasPrefix("maxFactor: expected") == true)
        #expect(error(["rule": "asert", "T": .double(2.0005)]) == "T: expected seconds that are a whole number of milliseconds")
        #expect(error(["rule": "asert", "T": 2, "targetBlockMs": 2000]) == "T: expected no value: targetBlockMs is given too")
        #expect(error(["rule": "asert-v1", "halfLifeMs": 999])?.hasPrefix("halfLifeMs: expected an integer in 1000…") == true)
        #expect(error(["rule": "asert-v1", "beta": 1]) == "beta: unknown key")
        #expect(throws: RetargetConfigError.self) { try RetargetRuleConfig(toml: "T = = 2") }
        #expect(throws: RetargetConfigError.invalid(key: "T", expected: "a number or a string, not a TOML array")) {
            try RetargetRuleConfig(toml: "T = [1, 2]")
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RetargetRuleConfig.self, from: Data(#"{"rule":"ema","x":1}"#.utf8))
        }
    }
}
