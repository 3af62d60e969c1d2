@testable import Devnet
import Foundation
import MiningCore
import Testing
import Verifiers

/// Work for a stale head is cancelled (issue 16): across 1,000 head changes the node keeps only
/// the current head's provider and deadline tasks, even when providers never finish on their own.
@Suite struct StaleHeadWorkTests {
    /// A provider whose proof never comes: it waits until its task is cancelled.
    struct StallingProvider: ProofProvider {
        var type: ProofType { .vdf }
        func proofs(for parent: ProofParent) async throws -> [ProofEnvelope] {
            try await Task.sleep(for: .seconds(3600))
            return []
        }
    }

    @Test(.timeLimit(.minutes(5))) func liveTasksStayBoundedAcrossAThousandHeads() async throws {
        // Θ₀ 1 nat, the floor (a third of nonces seal) and a half-life long enough that 1,000 fast
        // blocks do not raise Θ out of reach.
        let config = ChainConfig(spec: Fixtures.chain(["thetaMicro0": "1000000", "halfLifeMs": "1000000000000"]))
        let providers: [any ProofProvider] = [StallingProvider(), StallingProvider()]
        let node = try DevnetNode(config: config, dataDir: Fixtures.tempDir("stale-work"),
                                  options: NodeOptions(templateRefresh: .seconds(3600), proofWait: .milliseconds(1)),
                                  providers: providers)
        await node.start()
        var peak = (head: 0, proof: 0)
        for height in UInt64(1)...1000 {
            // The deadline issues the job without the stalled proofs.
            let deadline = ContinuousClock.now + .seconds(60)
            var job: MiningJob?
            while ContinuousClock.now < deadline {
                if let j = await node.currentJob(), j.template.height == height { job = j; break }
                try await Task.sleep(for: .milliseconds(1))
            }
            guard let job else { Issue.record("no job at height \(height) within 60 s"); break }
            let nonce = Fixtures.nonce(for: job.template) { $0 >= job.blockTarget }
            let r = await node.submitShare(ShareSubmission(jobId: job.jobId, nonce: nonce, tShareMicro: 0, worker: "t", source: .local))
            guard (try? r.get().isBlock) == true else { Issue.record("block \(height) not sealed: \(r)"); break }
            peak = (max(peak.head, await node.headTasks.count), max(peak.proof, await node.proofTasks.count))
        }
        #expect(await node.head.height == 1000)
        // The current head's providers and its deadline, never more (1 ms of proofWait lets the
        // deadline task end first; a cancelled provider leaves when its sleep throws).
        #expect(peak.head <= providers.count + 1, "head tasks peaked at \(peak.head)")
        let deadline = ContinuousClock.now + .seconds(30)
        while await node.proofTasks.count > providers.count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let live = await node.proofTasks.count
        #expect(live <= providers.count, "\(live) provider tasks alive after 1,000 heads (peak \(peak.proof))")
        await node.stop()
    }
}
