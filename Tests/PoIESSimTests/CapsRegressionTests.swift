import Foundation
import MiningCore
import Testing
@testable import PoIESSim

/// Regression tests of caps: each `Scenarios/caps-regression/*.toml` summary must equal its golden
/// file in `Tests/PoIESSimTests/Golden/` byte for byte. An intentional change regenerates them
/// with `make golden` (which sets POIES_UPDATE_GOLDEN=1 for this suite).
@Suite struct CapsRegressionTests {
    static let dir = SimFixture.scenariosDir.appendingPathComponent("caps-regression")
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let names = ["escort-binds", "gamma-binds", "max-proofs"]

    @Test(arguments: names) func summaryMatchesGolden(name: String) throws {
        let sc = try Scenario.load(path: Self.dir.appendingPathComponent("\(name).toml").path)
        let summary = try Simulation.run(scenario: sc, options: .init(jobs: 1))
        let text = summary.json.canonical + "\n"
        let url = Self.golden.appendingPathComponent("\(name).summary.json")
        if ProcessInfo.processInfo.environment["POIES_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name): summary differs from its golden file (make golden after an intentional change)")
    }

    /// The escort rule binds: one type alone is credited at most (1 − q)·Γ, and exactly that on full blocks.
    @Test func escortCapIsReachedButNotExceeded() throws {
        let sc = try Scenario.load(path: Self.dir.appendingPathComponent("escort-binds.toml").path)
        let (rows, _) = try SimFixture.blocks(sc)
        let policy = try Policy(toml: sc.chain.policyTOML)
        let cap = policy.effectiveTypeCap(.ai)
        #expect(cap == 6_800_000)
        #expect(rows.allSatisfy { $0.psiByType.1 <= cap })
        #expect(rows.contains { $0.psiByType.1 == cap })
    }
}

/// Credited Σψ never exceeds Γ, and no type exceeds its effective cap, in any block.
@Suite struct CreditInvariantTests {
    @Test func creditedNeverExceedsGammaOrTypeCaps() throws {
        let sc = try Scenario.load(path: SimFixture.scenariosDir.appendingPathComponent("useful-mix.toml").path,
                                   overrides: [try ScenarioOverride(parsing: "scenario.blocks=4000"),
                                               try ScenarioOverride(parsing: "scenario.replications=1")])
        let policy = Policy.devnet
        for gsc in [sc, try Scenario.load(path: CapsRegressionTests.dir.appendingPathComponent("gamma-binds.toml").path)] {
            let (rows, st) = try SimFixture.blocks(gsc)
            var full = 0
            for r in rows {
                let byType = [r.psiByType.0, r.psiByType.1, r.psiByType.2, r.psiByType.3, r.psiByType.4]
                #expect(r.psiCreditedMicro <= policy.gammaCapMicro)
                #expect(byType.reduce(0, +) == r.psiCreditedMicro)
                for (t, v) in zip(ProofType.allCases, byType) { #expect(v >= 0 && v <= policy.effectiveTypeCap(t)) }
                if r.psiCreditedMicro == policy.gammaCapMicro { full += 1 }
            }
            #expect(st.proofsAttached > 0)
            if gsc.name == "caps-gamma-binds" { #expect(full > 0, "Γ should bind in gamma-binds") }
        }
    }
}
