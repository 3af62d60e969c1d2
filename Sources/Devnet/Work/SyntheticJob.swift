import MiningCore

/// Deterministic jobs for tests, benches and chain-less servers: a valid devnet-shaped template
/// whose every hash field is derived from `seed`, so two calls with the same arguments give the
/// same template (and the same u-draws).
public enum SyntheticJob {
    public static func make(seed: UInt64, thetaMicro: Int64 = 20_000_000, blockTarget: Int64? = nil,
                            cleanJobs: Bool = false, proofHints: [String] = []) -> MiningJob {
        func h(_ label: String) -> [UInt8] {
            SHA3_256.hash(Array("animica:synthetic:\(label):\(seed)".utf8))
        }
        let template = HeaderTemplate(
            chainId: 1337, height: 1 + seed, parentHash: h("parent"), stateRoot: h("state"),
            txsRoot: h("txs"), proofsRoot: ProofsRoot.empty, daRoot: h("da"),
            params: .init(thetaMicro: thetaMicro, gammaCap: 2.0, escortQ: 0.15),
            policyRoots: .init(poiesPolicy: h("poies"), algPolicy: h("alg")),
            nonceDomain: .init(mixSeed: h("mix")),
            time: 1_700_000_000_000 + seed * 1000, coinbase: "animica1synthetic",
            extra: .init(mempoolSnapshotId: "snap-\(seed)", templateId: "job-\(seed)"))
        return MiningJob(template: template, blockTarget: blockTarget ?? thetaMicro,
                         cleanJobs: cleanJobs, proofHints: proofHints)
    }
}
