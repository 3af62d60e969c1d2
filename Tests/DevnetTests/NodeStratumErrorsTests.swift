import Devnet
import Foundation
import MiningCore
import Testing

/// Issue 6's end-to-end error contract against the real node (not the in-memory provider): a
/// Stratum miner on an in-process `DevnetNode` gets work, an accepted share, and the right error
/// for a duplicate, a low-difficulty share, a stale job and a malformed line — and the connection
/// stays usable after each.
@Suite struct NodeStratumErrorsTests {
    @Test(.timeLimit(.minutes(1)))
    func stratumErrorsAgainstTheNode() async throws {
        let node = try await ExternalMinersTests.node()
        // A fixed share threshold of 1 nat (vardiff off), below the node's Θ₀ of 6 nats.
        let session = StratumSession.Configuration(initialTShareMicro: 1_000_000, targetSharesPerMinute: nil)
        let server = try await StratumServer.bind(provider: node,
                                                  configuration: .init(host: "127.0.0.1", port: 0, session: session,
                                                                       handshakeTimeout: .seconds(600)),
                                                  metrics: StratumMetrics(factory: node.metrics.factory))
        let serving = Task { try await server.run() }
        try await StratumClient.withConnection(host: "127.0.0.1", port: server.localPort, worker: "w1") { c in
            var jobs = c.jobs.makeAsyncIterator()
            let j = try #require(await jobs.next())
            // The node may issue newer, non-clean jobs meanwhile (proofs, refresh); `j` stays valid.
            let job = MiningJob(template: j.template, blockTarget: j.template.params.thetaMicro,
                                cleanJobs: false, proofHints: [])
            try #require(j.tShareMicro == 1_000_000 && j.template.params.thetaMicro >= 6_000_000)
            // Shares of 1–2 nats: far below Θ − Σψ of the node's small local proofs, so not blocks
            // and the job stays current for the duplicate check.
            let (good, _) = NonceSearch.first(job, extranonce1: c.extranonce1) { $0 >= 1_000_000 && $0 < 2_000_000 }
            let (low, _) = NonceSearch.first(job, extranonce1: c.extranonce1) { $0 < 1_000_000 }
            #expect(try await c.submit(j, nonce: good) == .accepted(isBlock: false))
            #expect(try await c.submit(j, nonce: good) == .rejected(code: 22, message: ShareRejection.duplicate.message))
            #expect(try await c.submit(j, nonce: low) == .rejected(code: 23, message: ShareRejection.lowDifficulty.message))
            #expect(try await c.submit(jobId: "no-such-job", extranonce2: 0, counter: 1)
                == .rejected(code: 21, message: ShareRejection.staleJob.message))
            #expect(try await c.sendRaw("{this is not json\n").error?.code == -32700)
            // Still usable after the errors: another fresh share is accepted.
            let (again, _) = NonceSearch.first(job, extranonce1: c.extranonce1, from: 1_000_000) {
                $0 >= 1_000_000 && $0 < 2_000_000
            }
            #expect(try await c.submit(j, nonce: again) == .accepted(isBlock: false))
        }
        serving.cancel()
        _ = await serving.result
        await node.stop()
    }
}
