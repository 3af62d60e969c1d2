import Devnet
import MiningCore
import Synchronization
import Testing

/// Finds nonces with a known u-draw outcome for a job (deterministic: counters from 0).
enum NonceSearch {
    static func first(_ job: MiningJob, extranonce1: UInt32 = 0, from: UInt64 = 0,
                      where predicate: (Int64) -> Bool) -> (Nonce, Int64) {
        var c = from
        while true {
            let n = Nonce(extranonce1: extranonce1, extranonce2: 0, counter: c)
            let h = UDraw.draw(template: job.template, nonce: n).H
            if predicate(h) { return (n, h) }
            c += 1
        }
    }
}

@Suite struct ShareValidatorTests {
    let t0 = ContinuousClock.now
    let tShare: Int64 = 1_000_000  // H ≥ 1 nat: about 37% of nonces

    func share(_ job: MiningJob, _ nonce: Nonce, tShare: Int64? = nil) -> ShareSubmission {
        ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: tShare ?? self.tShare, worker: "w")
    }

    enum Case: String, CaseIterable { case unknownJob, expiredJob, cleanedJob, duplicate, lowDifficulty, accepted, block }

    @Test(arguments: Case.allCases)
    func table(_ c: Case) {
        var v = ShareValidator(configuration: .init(jobTTL: .seconds(60), maxJobs: 4))
        let job = SyntheticJob.make(seed: 1, thetaMicro: 3_000_000)
        v.add(job, now: t0)
        // tShare(Θ, 16) = 3 − ln 16 ≈ 0.227 nats: a share at least that deep can be a hash-share proof.
        let deep = ShareTarget.tShare(thetaMicro: 3_000_000, k: 16)
        let (good, _) = NonceSearch.first(job) { $0 >= tShare && $0 < 3_000_000 }
        let (shallow, _) = NonceSearch.first(job) { $0 < deep }
        let (low, _) = NonceSearch.first(job) { $0 < tShare }
        let (blockNonce, _) = NonceSearch.first(job) { $0 >= 3_000_000 }
        let now = t0 + .seconds(1)
        switch c {
        case .unknownJob:
            let s = ShareSubmission(jobId: "no-such-job", nonce: good, tShareMicro: tShare, worker: "w")
            #expect(v.validate(s, now: now) == .failure(.staleJob))
        case .expiredJob:
            #expect(v.validate(share(job, good), now: t0 + .seconds(61)) == .failure(.staleJob))
        case .cleanedJob:
            v.add(SyntheticJob.make(seed: 2, cleanJobs: true), now: now)
            #expect(v.validate(share(job, good), now: now) == .failure(.staleJob))
        case .duplicate:
            #expect(v.validate(share(job, good), now: now) == .success(AcceptedShare(isDeep: true, isBlock: false, blockHash: nil)))
            #expect(v.validate(share(job, good), now: now) == .failure(.duplicate))
        case .lowDifficulty:
            #expect(v.validate(share(job, low), now: now) == .failure(.lowDifficulty))
            // Re-sending it is a cheap duplicate, not another hash.
            #expect(v.validate(share(job, low), now: now) == .failure(.duplicate))
        case .accepted:
            let r = v.validate(share(job, good), now: now)
            #expect(r == .success(AcceptedShare(isDeep: true, isBlock: false, blockHash: nil)))
            // Accepted at a session threshold of 0, but not deep enough to be a proof.
            #expect(v.validate(share(job, shallow, tShare: 0), now: now) == .success(AcceptedShare(isDeep: false, isBlock: false, blockHash: nil)))
        case .block:
            let r = v.validate(share(job, blockNonce), now: now)
            let expected = UDraw.draw(template: job.template, nonce: blockNonce).blockHash
            #expect(r == .success(AcceptedShare(isDeep: true, isBlock: true, blockHash: expected)))
        }
    }

    @Test func nonCleanJobsKeepTheirPredecessorsUpToMaxJobs() {
        var v = ShareValidator(configuration: .init(jobTTL: .seconds(60), maxJobs: 3))
        let jobs = (0..<4).map { SyntheticJob.make(seed: UInt64($0)) }
        for (i, j) in jobs.enumerated() { v.add(j, now: t0 + .milliseconds(i)) }
        #expect(v.liveJobIds(now: t0 + .seconds(1)) == ["job-1", "job-2", "job-3"])
        let s = ShareSubmission(jobId: "job-1", nonce: Nonce(counter: 9), tShareMicro: 0, worker: "w")
        #expect((try? v.validate(s, now: t0 + .seconds(1)).get()) != nil)
        let old = ShareSubmission(jobId: "job-0", nonce: Nonce(counter: 9), tShareMicro: 0, worker: "w")
        #expect(v.validate(old, now: t0 + .seconds(1)) == .failure(.staleJob))
    }

    @Test func cleanGraceKeepsRetiredJobsBriefly() {
        var v = ShareValidator(configuration: .init(cleanGrace: .seconds(2)))
        let a = SyntheticJob.make(seed: 1), b = SyntheticJob.make(seed: 2, cleanJobs: true)
        v.add(a, now: t0)
        v.add(b, now: t0 + .seconds(10))
        #expect(v.liveJobIds(now: t0 + .seconds(11)) == ["job-1", "job-2"])
        #expect(v.liveJobIds(now: t0 + .seconds(12)) == ["job-2"])
    }

    /// A round's clean common job must not retire the sessions' own jobs of the same round
    /// (sent just before it); the next round's clean job retires them all. (It did: an own job
    /// died `cleanGrace` after every new head, and its session's shares came back 21.)
    @Test func cleanJobsRetireEarlierRoundsButNotTheirSiblings() {
        var v = ShareValidator(configuration: .init(maxJobs: 8))
        func job(_ seed: UInt64, owner: UInt32?, round: UInt64) -> MiningJob {
            var j = SyntheticJob.make(seed: seed, cleanJobs: true)
            j.owner = owner
            j.round = round
            return j
        }
        v.add(job(1, owner: nil, round: 1), now: t0)
        v.add(job(2, owner: 0xA, round: 2), now: t0)
        v.add(job(3, owner: 0xB, round: 2), now: t0)
        v.add(job(4, owner: nil, round: 2), now: t0)
        #expect(v.liveJobIds(now: t0 + .seconds(5)) == ["job-2", "job-3", "job-4"])
        // Only the owner may mine an own job.
        let mine = ShareSubmission(jobId: "job-2", nonce: Nonce(extranonce1: 0xA, counter: 1), tShareMicro: 0, worker: "a")
        let theirs = ShareSubmission(jobId: "job-2", nonce: Nonce(extranonce1: 0xB, counter: 1), tShareMicro: 0, worker: "b")
        #expect((try? v.validate(mine, now: t0 + .seconds(5)).get()) != nil)
        #expect(v.validate(theirs, now: t0 + .seconds(5)) == .failure(.staleJob))
        v.add(job(5, owner: nil, round: 3), now: t0 + .seconds(6))
        #expect(v.liveJobIds(now: t0 + .seconds(6)) == ["job-5"])
    }

    @Test func seenNoncesAreBoundedPerJob() {
        var v = ShareValidator(configuration: .init(maxSeenPerJob: 3))
        let job = SyntheticJob.make(seed: 5)
        v.add(job, now: t0)
        for c in 0..<3 {
            #expect((try? v.validate(share(job, Nonce(counter: UInt64(c)), tShare: 0), now: t0).get()) != nil)
        }
        #expect(v.validate(share(job, Nonce(counter: 99), tShare: 0), now: t0) == .failure(.other))
        #expect(v.seenCount == 3)
    }

    @Test func inMemoryProviderReportsBlocksAndStreamsJobs() async throws {
        let sealed = Mutex<[String]>([])
        let provider = InMemoryWorkProvider { job, _, accepted in
            if accepted.isBlock { sealed.withLock { $0.append(job.jobId) } }
        }
        let job = SyntheticJob.make(seed: 7, thetaMicro: 2_000_000)
        await provider.push(job)
        var it = await provider.jobUpdates().makeAsyncIterator()
        #expect(await it.next()?.jobId == "job-7")
        let (n, _) = NonceSearch.first(job) { $0 >= 2_000_000 }
        let r = await provider.submitShare(ShareSubmission(jobId: job.jobId, nonce: n, tShareMicro: 0, worker: "w"))
        #expect((try? r.get())?.isBlock == true)
        #expect(sealed.withLock { $0 } == ["job-7"])
        await provider.push(SyntheticJob.make(seed: 8))
        #expect(await it.next()?.jobId == "job-8")
    }
}
