@testable import Devnet
import Foundation
import MiningCore
import Synchronization
import Testing
import Verifiers

/// Work for a stale head is cancelled, and the node's task lists stay bounded however many
/// heads go by (they once grew by providers + 1 entries per head).
@Suite struct StaleWorkTests {
    /// A provider that takes 200 ms per proof (a cancellable sleep) and counts how its calls ended.
    final class SlowProvider: ProofProvider {
        var type: ProofType { .ai }
        let finished = Atomic<Int>(0)
        let cancelled = Atomic<Int>(0)
        func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
            try? await Task.sleep(for: .milliseconds(200))
            if Task.isCancelled { cancelled.add(1, ordering: .relaxed) } else { finished.add(1, ordering: .relaxed) }
            return []
        }
    }

    @Test(.timeLimit(.minutes(3))) func liveTasksStayBoundedAcross1000HeadChanges() async throws {
        // Θ held at 1–2 nats so every head change is a few hashes away.
        let config = ChainConfig(spec: Fixtures.chain(["thetaMicro0": "1000000", "thetaMaxMicro": "2000000"]))
        let providers = [SlowProvider(), SlowProvider()]
        let node = try DevnetNode(config: config, dataDir: Fixtures.tempDir("stale"),
                                  options: NodeOptions(templateRefresh: .seconds(3600), jobTTL: .seconds(3600)), providers: providers)
        await node.start()
        var maxProofTasks = 0, maxHeadTasks = 0
        for i in 0..<1000 {
            let job = try #require(await node.currentJob(), "no job at head change \(i)")
            let nonce = Fixtures.nonce(for: job.template) { $0 >= job.blockTarget }
            let r = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: 0, worker: "t"))
            #expect((try? r.get().isBlock) == true, "head change \(i): \(r)")
            maxProofTasks = max(maxProofTasks, await node.proofTasks.count)
            maxHeadTasks = max(maxHeadTasks, await node.headTasks.count)
        }
        #expect(await node.head.height == 1000)
        // Each head starts one task per provider; the previous head's are cancelled, and a
        // cancelled sleep ends at once, so only a handful are ever alive.
        #expect(maxHeadTasks <= providers.count, "head tasks peaked at \(maxHeadTasks)")
        // Cancelled tasks end as soon as the pool runs them (under the full suite's load a few
        // hundred can wait for a thread: 258 once); none stays: within 30 s only the current
        // head's are left.
        let deadline = ContinuousClock.now + .seconds(30)
        var live = await node.proofTasks.count
        while live > providers.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            live = await node.proofTasks.count
        }
        #expect(live <= providers.count, "\(live) provider tasks still alive 30 s after the last head change (peak \(maxProofTasks))")
        let background = await node.tasks.count
        #expect(background <= 1, "background tasks: \(background)")
        let cancelled = providers.reduce(0) { $0 + $1.cancelled.load(ordering: .relaxed) }
        let finished = providers.reduce(0) { $0 + $1.finished.load(ordering: .relaxed) }
        // Of 2,000 provider calls, only those whose head outlived 200 ms (a stalled machine) finish.
        #expect(finished <= 100, "\(finished) proofs ran to the end, \(cancelled) were cancelled")
        await node.stop()
        #expect(await node.proofTasks.isEmpty, "stop() waits for every provider task")
    }
}
