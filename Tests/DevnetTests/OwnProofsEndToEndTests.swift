import Devnet
import Foundation
import MiningCore
import Testing
import TestSupport

/// Miners bring their own proofs, as people run it: a node that neither mines nor makes proofs
/// (`--threads 0 --proofs none`) and two external miners in their own processes at the same
/// capped hash rate over Stratum — A with `--proofs ai`, B with none. A's blocks carry A's AI
/// proofs, B's never do (either may carry its own accumulated hash shares), and A's share of the
/// blocks is the PoIES prediction from the credited ψ of the jobs each miner mined, weighted by
/// how long each job was on the wire.
@Suite struct OwnProofsEndToEndTests {
    typealias E2E = ExternalWorkEndToEndTests

    /// 500 ms blocks, Θ₀ near the equilibrium of two 200 kH/s miners with A's 1-nat proof
    /// (ln((e + 1) · 2·10^5 · 0.5) ≈ 12.1 nats), a short ASERT half-life.
    static let chain = Fixtures.chainTOML(chainId: 4244, targetBlockMs: 500, theta0Micro: 12_100_000)

    @Test(.timeLimit(.minutes(15)))  // includes waiting for the HeavyTests gate
    func aMinerBringingAIProofsWinsItsPredictedShareOfBlocks() async throws {
        try await HeavyTests.exclusive {
            let dir = Fixtures.tempDir("own-e2e")
            let chainFile = dir + "/chain.toml"
            try Self.chain.write(toFile: chainFile, atomically: true, encoding: .utf8)
            var node = try SimctlProcess(["mine", "--chain", chainFile, "--data-dir", dir + "/node", "--threads", "0", "--proofs", "none",
                                          "--rpc", "127.0.0.1:0", "--stratum", "127.0.0.1:0"])
            let url = await node.wait(timeout: 60) { lines in
                E2E.json(lines).compactMap { E2E.string($0["stratum"]) }.first
            }
            guard let url else {
                await node.stop()
                Issue.record("the node did not listen within 60 s: \(node.stderr.suffix(500))")
                return
            }
            let rate = "200000"
            let a = try SimctlProcess(["mine", "--connect", url, "--threads", "1", "--max-hashrate", rate,
                                       "--proofs", "ai", "--ai-macs", "1048576", "--data-dir", dir + "/a"])
            let b = try SimctlProcess(["mine", "--connect", url, "--threads", "1", "--max-hashrate", rate, "--data-dir", dir + "/b"])
            let wanted = 240
            let done = await node.wait(timeout: 600) { lines in E2E.blocks(lines).count >= wanted ? true : nil }
            await a.stop()
            await b.stop()
            await node.stop()
            #expect(done == true, "\(E2E.blocks(node.stdoutLines).count) blocks in 600 s")

            let aEvents = E2E.json(a.stdoutLines), bEvents = E2E.json(b.stdoutLines)
            guard let e1A = aEvents.compactMap({ $0["event"] == "connected" ? E2E.string($0["extranonce1"]) : nil }).first,
                  let e1B = bEvents.compactMap({ $0["event"] == "connected" ? E2E.string($0["extranonce1"]) : nil }).first else {
                Issue.record("a miner never connected: \(a.stderr.suffix(300)) \(b.stderr.suffix(300))")
                return
            }
            let heldA = aEvents.filter { $0["event"] == "proof" && $0["held"] == .bool(true) }
            let refusedA = aEvents.filter { $0["event"] == "proof" && $0["held"] == .bool(false) }
            #expect(!heldA.isEmpty && refusedA.count * 20 <= heldA.count, "A: \(heldA.count) proofs held, \(refusedA.count) refused")
            let psiRaw = heldA.map { E2E.int($0["psiRawMicro"]) }.max() ?? 0
            #expect(psiRaw > 900_000, "ψ of A's AI proof: \(psiRaw)")
            // k held proofs are credited k·ψ up to the AI type cap (4 nats on the devnet policy).
            let aiCap = Policy.devnet[.ai].perTypeCap
            func credited(_ k: Int) -> Int64 { min(Int64(k) * psiRaw, aiCap) }

            // Who sealed what. Deep shares (H ≥ tShare(Θ, K)) accumulate as hash-share proofs
            // on either session's later jobs of a height; AI proofs are A's alone.
            let blocks = E2E.blocks(node.stdoutLines)
            let byA = blocks.filter { E2E.string($0["extranonce1"]) == e1A }
            let byB = blocks.filter { E2E.string($0["extranonce1"]) == e1B }
            func types(_ blk: JSONValue) -> [String] { if case .array(let ps)? = blk["proofs"] { return ps.compactMap(E2E.string) }; return [] }
            #expect(byA.count + byB.count == blocks.count, "every block is A's or B's")
            #expect(byB.allSatisfy { types($0).allSatisfy { $0 == "hashshare" } }, "B's blocks never carry AI proofs")
            let aiBlocks = byA.filter { types($0).contains("ai") && types($0).allSatisfy { $0 == "ai" || $0 == "hashshare" } }
            #expect(aiBlocks.count * 10 >= byA.count * 8, "\(aiBlocks.count) of A's \(byA.count) blocks carry A's AI proofs")
            for blk in aiBlocks where types(blk).allSatisfy({ $0 == "ai" }) {
                #expect(E2E.int(blk["psiMicro"]) == credited(types(blk).count), "credited ψ of block \(E2E.int(blk["height"]))")
            }
            let sharesInBlocks = blocks.reduce(0) { $0 + types($1).filter { $0 == "hashshare" }.count }

            // The prediction: each miner's block rate follows e^{ψ(job)} over its job timeline
            // (same hash rate), ψ(job) the §5 credit of the own proofs the job carries — A's AI
            // proofs at the ψ the node answered, either miner's accumulated shares at the
            // policy's ψ for their d_ratio (the miners log both with each job).
            // A job can reach the miner before the answer to the proof it carries, so the notes
            // are joined by nullifier over the whole log (held proofs and every job's notes).
            func creditedRate(_ events: [JSONValue]) -> (weighted: Double, time: Double, withShares: Int) {
                var worth: [String: CreditProof] = [:]
                for e in events {
                    var notes: [JSONValue] = e["event"] == "proof" && e["held"] == .bool(true) ? [e] : []
                    if e["event"] == "job", case .array(let own)? = e["own"] { notes += own }
                    for p in notes {
                        guard let n = E2E.string(p["nullifier"]), let bytes = try? Hex.decode(n, bytes: 32) else { continue }
                        if p["type"] == "hashshare" {
                            let adj = Psi.adjustedMicro(.hashShare(dRatioPpm: E2E.int(p["dRatioPpm"])), policy: .devnet)
                            worth[n] = CreditProof(type: .hashShare, psiAdjMicro: adj, nullifier: bytes)
                        } else {
                            worth[n] = CreditProof(type: .ai, psiAdjMicro: E2E.int(p["psiRawMicro"]), nullifier: bytes)
                        }
                    }
                }
                let jobs = events.filter { $0["event"] == "job" }
                var w = 0.0, t = 0.0, withShares = 0
                for (j, next) in zip(jobs, jobs.dropFirst()) {
                    let dt = Double(E2E.int(next["elapsedMs"]) - E2E.int(j["elapsedMs"]))
                    var proofs: [CreditProof] = []
                    if case .array(let hints)? = j["proofs"] { proofs = hints.compactMap { E2E.string($0).flatMap { worth[$0] } } }
                    if proofs.contains(where: { $0.type == .hashShare }) { withShares += 1 }
                    let psi = Credit.compute(proofs, caps: Policy.devnet.caps).credited.reduce(0, +)
                    w += dt * exp(Double(psi) / 1e6)
                    t += dt
                }
                return (w, t, withShares)
            }
            let rA = creditedRate(aEvents), rB = creditedRate(bEvents)
            let predicted = (rA.weighted / rA.time) / (rA.weighted / rA.time + rB.weighted / rB.time)
            let n = Double(byA.count + byB.count)
            let observed = Double(byA.count) / n
            let sigma = (predicted * (1 - predicted) / n).squareRoot()
            let jobsA = aEvents.filter { $0["event"] == "job" }
            let onOwn = jobsA.isEmpty ? 0 : Double(jobsA.filter { E2E.string($0["jobId"])?.hasSuffix(String(e1A.dropFirst(2))) == true }.count) / Double(jobsA.count)
            let line = "A sealed \(byA.count) of \(Int(n)) blocks (\(String(format: "%.3f", observed))); predicted \(String(format: "%.3f", predicted)) ± \(String(format: "%.3f", 3 * sigma)) (3σ); \(String(format: "%.0f", onOwn * 100))% of A's jobs were its own; jobs with accumulated shares: A \(rA.withShares), B \(rB.withShares); \(sharesInBlocks) hash shares in blocks"
            print("own-proofs e2e: \(line)")
            // B hashes ~100k nonces a height with P(H ≥ tShare) = K·e^{−Θ} ≈ 3·10^−6: ~0.3 deep
            // shares a height, ~70 over the run; none at all would mean shares do not accumulate.
            #expect(rB.withShares > 0, "no job of B carried an accumulated share: \(line)")
            #expect(abs(observed - predicted) <= 3 * sigma, "\(line)")
        }
    }
}
