import Foundation
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
        // (The default first threshold is a 10^4 H/s miner's: ln(10^4 · 60 / 15) nats.)
        #expect(StratumSession.Configuration().initialThreshold == 10_596_635)
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

    static let ok: Result<AcceptedShare, ShareRejection> = .success(AcceptedShare(isDeep: false, isBlock: false, blockHash: nil))

    @Test func vardiffRaisesAtOnceOnVolumeWithAFreshJobAndKeepsOldJobsThresholds() {
        var s = subscribed(.init(initialTShareMicro: 2_000_000, targetSharesPerMinute: 10, fastShares: 4))
        #expect(s.activeTShare == 2_000_000)
        // 4 accepted shares in 40 ms = 6,000/min, 600× the target: raise by ln 600 in one step,
        // announced as set_difficulty then a fresh notify of the same job under a new id.
        var actions: [StratumSession.Action] = []
        for i in 0..<4 {
            let now = t0 + .milliseconds(10 * (i + 1))
            #expect(submit(&s, counter: UInt64(i), job: job1, now: now)?.tShareMicro == 2_000_000)
            actions = s.shareResult(id: .int(Int64(i)), Self.ok, now: now)
        }
        let raised = 2_000_000 + Int64((log(600.0) * 1e6).rounded())
        #expect(actions.suffix(2) == [.setDifficulty(raised), .renotify(job1, jobId: "\(job1.jobId)/d1")])
        #expect(s.activeTShare == raised)
        // A share for the job's first id keeps that id's threshold; the new id has the new one and
        // maps back to the node's job.
        #expect(submit(&s, counter: 10, job: job1, now: t0 + .seconds(1))?.tShareMicro == 2_000_000)
        let renamed = s.receive(.request(id: 11, .submit(worker: "w", jobId: "\(job1.jobId)/d1", extranonce2: 0, counter: 11)),
                                now: t0 + .seconds(1))
        guard case .submit(_, let share)? = renamed.first else { Issue.record("no submit"); return }
        #expect(share.jobId == job1.jobId && share.tShareMicro == raised)
        _ = s.shareResult(id: 11, Self.ok, now: t0 + .seconds(1))
        // The next job goes out at the current threshold, without another set_difficulty.
        #expect(s.newJob(job2, now: t0 + .seconds(2)) == [.notify(job2)])
        #expect(submit(&s, counter: 12, job: job2, now: t0 + .seconds(2))?.tShareMicro == raised)
    }

    @Test func silenceLowersTheThresholdFromTheClock() {
        var s = subscribed(.init(initialTShareMicro: 9_000_000, targetSharesPerMinute: 10))  // silence: 24 s
        #expect(s.tick(now: t0 + .seconds(23)).isEmpty)
        let lowered: Int64 = 9_000_000 - 693_147
        #expect(s.tick(now: t0 + .seconds(24)) == [.setDifficulty(lowered), .renotify(job1, jobId: "\(job1.jobId)/d1")])
        #expect(s.tick(now: t0 + .seconds(25)).isEmpty)
        #expect(s.retargets == 1)
    }

    /// Vardiff converges for any hash rate from 10^4 to 10^8 H/s: a session simulated in virtual
    /// time (shares arrive as a Poisson process of rate `R·e^{−t}`; fixed seeds 1…5) has, 10 s
    /// after subscribing, a share rate within 4× of the 15/min target, and from the first to the
    /// fifth minute between 10 and 20 accepted shares a minute.
    @Test(arguments: [1e4, 1e5, 1e6, 1e7, 1e8])
    func vardiffConvergesForAnyHashRate(rate: Double) {
        for seed in UInt64(1)...5 {
            var rng = SplitMix64(seed: seed)
            // Vardiff alone: without the tShare(Θ, K) ceiling (a 10^8 H/s miner on this 20-nat
            // job would reach it; see the next test).
            var s = StratumSession(extranonce1: 1, configuration: .init(sharesPerBlock: nil))
            _ = s.newJob(job1, now: t0)
            _ = s.receive(.request(id: 1, .subscribe(userAgent: "t")), now: t0)
            _ = s.receive(.request(id: 2, .authorize(worker: "w", password: "")), now: t0)
            var now = t0
            var nextTick = t0 + .seconds(1)
            var counter: UInt64 = 0
            var wireId = job1.jobId  // a real miner switches to each re-notified job
            func shareRate() -> Double { rate * exp(-Double(s.activeTShare!) / 1e6) * 60 }
            func follow(_ actions: [StratumSession.Action]) {
                for case .renotify(_, let id) in actions { wireId = id }
            }
            func advance(to end: ContinuousClock.Instant) {
                while now < end {
                    let perSecond = rate * exp(-Double(s.activeTShare!) / 1e6)
                    let u = Double(rng.next() >> 11) / Double(1 << 53)
                    let share = now + .seconds(-log(1 - u) / perSecond)
                    if share < nextTick, share < end {
                        now = share
                        counter += 1
                        _ = s.receive(.request(id: .int(Int64(counter)), .submit(worker: "w", jobId: wireId, extranonce2: 0, counter: counter)), now: now)
                        follow(s.shareResult(id: .int(Int64(counter)), Self.ok, now: now))
                    } else {
                        now = min(nextTick, end)
                        if now == nextTick { follow(s.tick(now: now)); nextTick = nextTick + .seconds(1) }
                    }
                }
            }
            advance(to: t0 + .seconds(10))
            #expect((15.0 / 4...15.0 * 4).contains(shareRate()), "R \(rate) seed \(seed): \(shareRate())/min after 10 s")
            advance(to: t0 + .seconds(60))
            let before = counter
            advance(to: t0 + .seconds(300))
            let perMinute = Double(counter - before) / 4
            #expect((10.0...20.0).contains(perMinute), "R \(rate) seed \(seed): \(perMinute) shares/min over minutes 1–5")
        }
    }

    /// No threshold goes above `tShare(Θ, K)`: a miner fast enough to want more sends every
    /// share deep enough to be a hash-share proof (at most K per block interval), and a slower
    /// one is left to vardiff.
    @Test func thresholdCeilingIsTShareOfThetaAndK() {
        let ceiling = ShareTarget.tShare(thetaMicro: job1.template.params.thetaMicro, k: 16)
        for (rate, capped) in [(1e8, true), (1e5, false)] {
            var s = subscribed(.init(sharesPerBlock: 16))
            var counter: UInt64 = 0
            var wireId = job1.jobId
            var now = t0
            // Shares at the rate the current threshold gives, for 120 s of session time.
            while now < t0 + .seconds(120) {
                let perSecond = rate * exp(-Double(s.activeTShare!) / 1e6)
                now = now + .seconds(1 / perSecond)
                counter += 1
                _ = s.receive(.request(id: .int(Int64(counter)), .submit(worker: "w", jobId: wireId, extranonce2: 0, counter: counter)), now: now)
                for case .renotify(_, let id) in s.shareResult(id: .int(Int64(counter)), Self.ok, now: now) { wireId = id }
            }
            if capped {
                #expect(s.activeTShare == ceiling, "R \(rate): threshold \(s.activeTShare!) µ-nats, ceiling \(ceiling)")
            } else {
                #expect(s.activeTShare! < ceiling - 1_000_000, "R \(rate): threshold \(s.activeTShare!) µ-nats, ceiling \(ceiling)")
            }
        }
    }

    @Test func tokenBucketIsChargedByInvalidTrafficOnly() {
        var s = subscribed(.init(initialTShareMicro: 0, targetSharesPerMinute: nil, bucketCapacity: 5, bucketRefillPerSecond: 1))
        // subscribe + authorize took 2 of 5 tokens; 500 accepted and stale shares take none.
        for i in 0..<500 {
            let share = submit(&s, counter: UInt64(i), job: job1, now: t0)
            #expect(share != nil, "share \(i) was refused")
            _ = s.shareResult(id: .int(Int64(i)), i.isMultiple(of: 2) ? Self.ok : .failure(.staleJob), now: t0)
        }
        // Three invalid shares empty the bucket: everything is then answered 26.
        for i in 0..<3 {
            _ = submit(&s, counter: UInt64(1000 + i), job: job1, now: t0)
            _ = s.shareResult(id: .int(Int64(1000 + i)), .failure(.lowDifficulty), now: t0)
        }
        guard case .replyError(_, 26, _)? = s.receive(.request(id: 99, .submit(worker: "w", jobId: job1.jobId, extranonce2: 0, counter: 2000)), now: t0).first else {
            Issue.record("an empty bucket did not answer 26"); return
        }
        // One second later one token is back.
        #expect(submit(&s, counter: 2001, job: job1, now: t0 + .seconds(1)) != nil)
    }

    @Test func invalidShareRatioBans() {
        var s = subscribed(.init(initialTShareMicro: 0, banMinShares: 10, banInvalidRatio: 0.5, banDuration: .seconds(60)))
        var closed: ContinuousClock.Instant?? = nil
        for i in 0..<10 {
            let r: Result<AcceptedShare, ShareRejection> = i < 4 ? .success(AcceptedShare(isDeep: false, isBlock: false, blockHash: nil)) : .failure(.lowDifficulty)
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

    /// A flood of garbage is answered 26 once the bucket is empty — and after
    /// `closeAfterRateLimited` such answers in a row the session is closed, not rate limited forever.
    @Test func garbageFloodIsClosedNotRateLimitedForever() {
        var s = StratumSession(extranonce1: 1, configuration: .init(bucketCapacity: 5, bucketRefillPerSecond: 0,
                                                                  closeAfterRateLimited: 10))
        var closedAt: Int?
        for i in 0..<100 where closedAt == nil {
            let actions = s.receive(.invalid(id: .int(Int64(i)), code: -32700, message: "parse error"), now: t0)
            if actions.contains(where: { if case .close = $0 { true } else { false } }) { closedAt = i }
        }
        // 5 tokens, then 10 refusals in a row: the 15th message closes it.
        #expect(closedAt == 14)
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
