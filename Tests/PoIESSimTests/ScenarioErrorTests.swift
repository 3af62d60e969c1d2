import Testing
@testable import PoIESSim

/// Scenario errors name the file, the line, the key path and what was expected.
@Suite struct ScenarioErrorTests {
    func error(_ toml: String, _ overrides: [String] = []) -> ScenarioError? {
        do { _ = try SimFixture.scenario(toml, file: "s.toml", overrides); return nil } catch let e as ScenarioError { return e } catch { return nil }
    }

    @Test func unknownKeyNamesLineAndSuggests() throws {
        let e = try #require(error("""
            [scenario]
            seed = 1

            [[miners]]
            name = "a"
            hashrat = 5.0
            """))
        #expect(e.file == "s.toml")
        #expect(e.line == 6)
        #expect(e.keyPath == "miners.0.hashrat")
        #expect(e.description.contains("did you mean \"hashrate\""))
    }

    @Test func wrongTypeNamesKeyPathAndExpectation() throws {
        let e = try #require(error("""
            [scenario]
            blocks = "many"
            [[miners]]
            hashrate = 1.0
            """))
        #expect(e.line == 2)
        #expect(e.keyPath == "scenario.blocks")
        #expect(e.expected.contains("an integer"))
        #expect(e.description.hasPrefix("s.toml:2: scenario.blocks: "))
    }

    @Test func secondArrayElementAndNestedTables() throws {
        let e = try #require(error("""
            [[miners]]
            name = "a"
            hashrate = 1.0

            [[miners]]
            name = "b"
            hashrate = -2.0
            """))
        #expect(e.keyPath == "miners.1.hashrate")
        #expect(e.line == 7)
        let r = try #require(error("""
            [chain.retarget]
            rule = "emma"
            [[miners]]
            hashrate = 1.0
            """))
        #expect(r.keyPath == "chain.retarget.rule")
        #expect(r.line == 2)
        #expect(r.description.contains("did you mean \"ema\""))
    }

    @Test func syntaxErrorHasLine() throws {
        let e = try #require(error("[scenario]\nseed = = 3\n"))
        #expect(e.line == 2)
    }

    @Test func providerOwnerMustBeAGroupOrMarket() throws {
        let e = try #require(error("""
            [[miners]]
            name = "farm"
            hashrate = 1.0
            [[providers]]
            type = "ai"
            owner = "frm"
            rate = 1.0
            metrics = { units = 1.0 }
            """))
        #expect(e.keyPath == "providers.0.owner")
        #expect(e.description.contains("did you mean \"farm\""))
    }

    @Test func overridesApplyBeforeValidation() throws {
        let base = """
            [scenario]
            seed = 1
            [[miners]]
            name = "pool"
            hashrate = 1.0
            """
        let sc = try SimFixture.scenario(base, ["scenario.seed=9", "miners.pool.count=3", "chain.retarget.rule=\"fixed\""])
        #expect(sc.seed == 9)
        #expect(sc.miners[0].count == 3)
        #expect(sc.chain.retargetRule == "fixed")
        let e = try #require(error(base, ["miners.0.hashrate=-1"]))
        #expect(e.file == "s.toml (--set)")
        #expect(e.keyPath == "miners.0.hashrate")
        let bad = try #require(error(base, ["miners.7.hashrate=1"]))
        #expect(bad.keyPath == "miners.7")
    }
}
