import Foundation
import Testing
import TestSupport

/// docs/SWEEPS.md's Slurm array job, run for real: a one-node cluster (``SlurmCluster``), the
/// batch script and the submit-and-merge lines copied out of the document unchanged, and the
/// merged files compared byte for byte with the same sweep run unsharded. The job runs in a
/// scratch folder where `Scenarios/` links to the project's and `simctl` is first on PATH, so
/// the document's relative paths work without editing a character of it.
@Suite struct SlurmSweepTests {
    /// The document's ```sh blocks under "## Slurm array job": the batch script, then the submit lines.
    static func documentBlocks() throws -> (script: String, submit: String) {
        let doc = try String(contentsOf: ProjectPaths.root.appendingPathComponent("docs/SWEEPS.md"), encoding: .utf8)
        guard let start = doc.range(of: "## Slurm array job") else { throw SlurmCluster.Failure(description: "docs/SWEEPS.md: no '## Slurm array job' section") }
        let section = doc[start.upperBound...]
        let end = section.range(of: "\n## ").map { section[..<$0.lowerBound] } ?? section
        let blocks = end.components(separatedBy: "```sh\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        guard blocks.count >= 2 else { throw SlurmCluster.Failure(description: "docs/SWEEPS.md: expected two sh blocks in the Slurm section") }
        return (blocks[0], blocks[1])
    }

    @Test(.enabled(if: SlurmCluster.unavailableReason == nil, "\(SlurmCluster.unavailableReason ?? "")"), .timeLimit(.minutes(15)))
    func arrayJobAndDependentMergeMatchTheUnshardedSweep() async throws {
        try await HeavyTests.exclusive {
            let (script, submit) = try Self.documentBlocks()
            #expect(script.contains("--shard \"$SLURM_ARRAY_TASK_ID/$N\""))
            #expect(submit.contains("--dependency=afterok:$jid"))
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("slurm-\(UUID().uuidString)")
            let work = root.appendingPathComponent("work"), solo = root.appendingPathComponent("solo")
            let fm = FileManager.default
            for d in [work.appendingPathComponent("logs"), solo, root.appendingPathComponent("cluster")] {
                try fm.createDirectory(at: d, withIntermediateDirectories: true)
            }
            defer { try? fm.removeItem(at: root) }
            for d in [work, solo] {
                try fm.createSymbolicLink(at: d.appendingPathComponent("Scenarios"), withDestinationURL: ProjectPaths.root.appendingPathComponent("Scenarios"))
            }
            try script.write(to: work.appendingPathComponent("sweep.sbatch"), atomically: true, encoding: .utf8)
            try submit.write(to: work.appendingPathComponent("submit.sh"), atomically: true, encoding: .utf8)
            let bin = try #require(Simctl.binary).deletingLastPathComponent().path
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")

            let cluster = SlurmCluster(dir: root.appendingPathComponent("cluster"))
            defer { cluster.stop() }
            try await cluster.start()
            let started = Date()
            let sub = try SlurmCluster.run("/bin/bash", ["-euo", "pipefail", "submit.sh"], cwd: work,
                                           env: cluster.environment.merging(["PATH": path]) { $1 })
            #expect(sub.status == 0, "submit: \(sub.out) \(sub.err)")
            let pending = try await cluster.waitForEmptyQueue(timeout: 600)
            #expect(pending == nil, "jobs still queued after 10 minutes: \(pending ?? "")\n\(cluster.log("slurmctld.log"))")
            let elapsed = Date().timeIntervalSince(started)
            let logs = try fm.contentsOfDirectory(atPath: work.appendingPathComponent("logs").path)
            #expect(logs.count == 32, "one log per array task: \(logs.count)")
            let shards = try fm.contentsOfDirectory(atPath: work.appendingPathComponent("results").path).filter { $0.hasPrefix("shard-") }
            #expect(shards.count == 32)

            // The same sweep unsharded: the document's script with N=1, outside Slurm, as task 0.
            let unsharded = script.replacingOccurrences(of: "\nN=32\n", with: "\nN=1\n")
            #expect(unsharded != script)
            try unsharded.write(to: solo.appendingPathComponent("sweep.sh"), atomically: true, encoding: .utf8)
            let one = try SlurmCluster.run("/bin/bash", ["sweep.sh"], cwd: solo, env: ["PATH": path, "SLURM_ARRAY_TASK_ID": "0", "SLURM_CPUS_PER_TASK": "2"], timeout: 600)
            #expect(one.status == 0, "\(one.err)")
            for f in ["runs.csv", "aggregate.csv", "sweep.json"] {
                let merged = try Data(contentsOf: work.appendingPathComponent("results/merged/\(f)"))
                let whole = try Data(contentsOf: solo.appendingPathComponent("results/shard-0/\(f)"))
                #expect(merged == whole, "\(f): the Slurm-merged file differs from the unsharded sweep's")
            }
            let rows = try String(contentsOf: work.appendingPathComponent("results/merged/runs.csv"), encoding: .utf8)
                .split(separator: "\n").count - 1
            #expect(rows == 3 * 3 * 200)
            print("slurm: 32-task array + dependent merge finished in \(String(format: "%.1f", elapsed)) s")
        }
    }
}
