import Devnet
import MiningCore
import Testing

@Suite struct StratumSessionTests {
    let t0 = ContinuousClock.now
    let job1 = SyntheticJob.make(seed: 1, thetaMicro: 20_000_000)
    let job2 = SyntheticJob.make(seed: 2, thetaMicro: 20_000_000)

    func subscribed(_ config: StratumSession.Configuration) -> StratumSession {
        var s = StratumSession(extranonce1: 0xA1B2C3D4, configuration: config)
        _ = s.newJob(job1, now: t0)
        let a = s.receive(.request(id: 1, .subscribe(userAgent: "t")), now: t0)
        #expect(a.contains(.notify(job1)))
        _ = s.receive(.request(id: 2, .authorize(worker: "w", password: "")), now: t0)
        return s
    }

    func submit(_ s: inout StratumSession, counter: UInt64, job: MiningJob, now: ContinuousClock.Instant) -> ShareSubmission? {
        for a in s.receive(.request(id: .int(Int64(counter)), .submit(worker: "w", jobId: job.jobId, extranonce2: 0, counter: counter)), now: now) {
            if case .submit(_, let share) = a { return share }
        }
        return nil
    }

    @Test func subscribeRepliesThenSetsDifficultyThenNotifies() {
        var s = StratumSession(extranonce1: 0xA1B2C3D4, configuration: .init(initialTShareMicro: 1_500_000))
        #expect(s.newJob(job1, now: t0).isEmpty)  // not subscribed yet
        let a = s.receive(.request(id: 7, .subscribe(userAgent: "t")), now: t0)
        #expect(a.count == 3)
        #expect(a[1] == .setDifficulty(1_500_000))
        #expect(a[2] == .notify(job1))
        guard case .reply(_, .array(let r)) = a[0] else { Issue.record("no reply"); return }
        #expect(r[1] == "a1b2c3d4")
    }

    @Test func submitNeedsSubscriptionAndAuthorization() {
        var s = StratumSession(extranonce1: 1)
        let sub = StratumRequest.submit(worker: "w", jobId: "job-1", extranonce2: 0, counter: 0)
        #expect(s.receive(.request(id: 1, sub), now: t0) == [.replyError(id: 1, code: 25, message: ShareRejection.notSubscribed.message)])
        _ = s.receive(.request(id: 2, .subscribe(userAgent: "")), now: t0)
        #expect(s.receive(.request(id: 3, sub), now: t0) == [.replyError(id: 3, code: 24, message: ShareRejection.unauthorized.message)])
        #expect(s.receive(.request(id: 4, .authorize(worker: "", password: "")), now: t0).first.map {
            if case .replyError(_, 24, _) = $0 { true } else { false }
        } == true)
        #expect(s.receive(.request(id: 5, .authorize(worker: String(repeating: "x", count: 65), password: "")), now: t0).count == 1)
        #expect(!StratumSession.isValidWorker("a b"))
        #expect(StratumSession.isValidWorker("rig-01.cpu"))
    }

    @Test func vardiffIsAnnouncedAtOnceButAppliesOnlyWithTheNextJob() {
        var s = subscribed(.init(initialTShareMicro: 2_000_000, targetSharesPerMinute: 10, vardiffInterval: .seconds(30)))
        #expect(s.activeTShare == 2_000_000)
        // 100 accepted shares in 30 s = 200/min, 20× the target: raise by the maximal step ln 4.
        var announced: [StratumSession.Action] = []
        for i in 0..<100 {
            let now = t0 + .milliseconds(300 * (i + 1))
            let share = submit(&s, counter: UInt64(i), job: job1, now: now)
            #expect(share?.tShareMicro == 2_000_000)
            announced += s.shareResult(id: .int(Int64(i)), .success(AcceptedShare(h: 3_000_000, isBlock: false, blockHash: nil)), now: now)
        }
        let raised: Int64 = 2_000_000 + 1_386_294  // + ln 4 nats
        #expect(announced.contains(.setDifficulty(raised)))
        #expect(s.pendingTShare == raised)
        #expect(s.activeTShare == 2_000_000)
        // Shares for the current job still use the old threshold…
        #expect(submit(&s, counter: 1000, job: job1, now: t0 + .seconds(31))?.tShareMicro == 2_000_000)
        // …until the next job, which is notified without a second set_difficulty.
        #expect(s.newJob(job2, now: t0 + .seconds(32)) == [.notify(job2)])
        #expect(s.activeTShare == raised && s.pendingTShare == nil)
        #expect(submit(&s, counter: 1001, job: job2, now: t0 + .seconds(32))?.tShareMicro == raised)
        // A late share for job 1 keeps job 1's threshold.
        #expect(submit(&s, counter: 1002, job: job1, now: t0 + .seconds(32))?.tShareMicro == 2_000_000)
    }

    @Test func tokenBucketLimitsMessages() {
        var s = subscribed(.init(initialTShareMicro: 0, bucketCapacity: 5, bucketRefillPerSecond: 1))
        // subscribe + authorize took 2 of 5 tokens.
        var limited = 0
        for i in 0..<6 {
            if case .replyError(_, 26, _)? = s.receive(.request(id: .int(Int64(i)), .subscribe(userAgent: "")), now: t0).first { limited += 1 }
        }
        #expect(limited == 3)
        // One second later one token is back.
        #expect(s.receive(.request(id: 99, .subscribe(userAgent: "")), now: t0 + .seconds(1)).first.map {
            if case .reply = $0 { true } else { false }
        } == true)
    }

    @Test func invalidShareRatioBans() {
        var s = subscribed(.init(initialTShareMicro: 0, banMinShares: 10, banInvalidRatio: 0.5, banDuration: .seconds(60)))
        var closed: ContinuousClock.Instant?? = nil
        for i in 0..<10 {
            let r: Result<AcceptedShare, ShareRejection> = i < 4 ? .success(AcceptedShare(h: 1, isBlock: false, blockHash: nil)) : .failure(.lowDifficulty)
            for a in s.shareResult(id: .int(Int64(i)), r, now: t0) {
                if case .close(let until) = a { closed = until }
            }
        }
        #expect(closed == .some(t0 + .seconds(60)))
        // Stale shares do not count towards a ban.
        var t = subscribed(.init(initialTShareMicro: 0, banMinShares: 10))
        let stale = (0..<20).flatMap { t.shareResult(id: .int(Int64($0)), .failure(.staleJob), now: t0) }
        #expect(!stale.contains { if case .close = $0 { true } else { false } })
    }

    @Test func parserMapsDefectsToJSONRPCCodes() {
        func code(_ s: String) -> Int? {
            if case .invalid(_, let c, _) = StratumInbound.parse(Array(s.utf8)) { return c }
            return nil
        }
        #expect(code("{not json") == -32700)
        #expect(code("[1,2]") == -32600)
        #expect(code(#"{"id":1,"method":5}"#) == -32600)
        #expect(code(#"{"id":1,"method":"mining.fly","params":[]}"#) == -32601)
        #expect(code(#"{"id":1,"method":"mining.submit","params":["w","j","zz","0000000000000001"]}"#) == -32602)
        #expect(StratumInbound.parse(Array(#"{"id":1,"method":"mining.submit","params":["w","j","0000000a","00000000000000ff"]}"#.utf8))
            == .request(id: 1, .submit(worker: "w", jobId: "j", extranonce2: 10, counter: 255)))
    }
}
