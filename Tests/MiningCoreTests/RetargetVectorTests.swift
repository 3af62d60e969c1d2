import Foundation
import MiningCore
import Testing
import TestSupport

/// Every case of `retarget.json` (spec §6 EMA rule), step by step.
@Suite struct RetargetVectorTests {
    struct Step: Decodable { let dt: Double; let skipped: Int; let theta: Int64 }
    struct Case: Decodable {
        let theta0: Int64
        let params: EMARetarget.Params
        let steps: [Step]
    }

    @Test func emaMatchesEveryVectorStep() throws {
        let file = try VectorFile<Case>.load("retarget.json")
        #expect(file.cases.count == 3)
        for (ci, c) in file.cases.enumerated() {
            #expect(c.params == EMARetarget.Params(thetaMax: 12_000_000), "case \(ci) uses the v1 devnet parameters")
            let rule = try EMARetarget(c.params)
            var state = rule.initialState(theta0: c.theta0)
            for (si, s) in c.steps.enumerated() {
                let theta = rule.step(&state, RetargetSample(dt: s.dt, skipped: s.skipped))
                #expect(theta == s.theta, "case \(ci) step \(si): dt \(s.dt) skipped \(s.skipped)")
                if theta != s.theta { break }
            }
        }
    }

    @Test func anyRuleAndConfigGiveTheSameThetas() throws {
        let file = try VectorFile<Case>.load("retarget.json")
        let rule = try RetargetRuleConfig(table: ["rule": "ema-v1", "thetaMax": 12_000_000]).makeRule()
        #expect(rule.name == "ema-v1")
        for c in file.cases {
            let samples = c.steps.map { RetargetSample(dt: $0.dt, skipped: $0.skipped) }
            #expect(rule.thetas(theta0: c.theta0, samples: samples) == c.steps.map(\.theta))
        }
    }
}
