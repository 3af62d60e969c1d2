import Foundation
import MiningCore
import Synchronization

/// The simulator's entry points (used by `simctl run`, `simctl sweep` and tests).
///
/// ```swift
/// let sc = try Scenario.load(path: "Scenarios/baseline.toml", overrides: [try ScenarioOverride(parsing: "scenario.seed=7")])
/// var rows = ArrayBlockSink()
/// let stats = try Simulation.run(scenario: sc, replication: 0, sink: &rows)   // one replication
/// let summary = try Simulation.run(scenario: sc, options: .init(jobs: 2, outDir: "out"))  // all, with files
/// ```
public enum Simulation {
    /// Options for a whole run.
    public struct Options: Sendable {
        public enum Outputs: String, Sendable { case all, summary }
        public var jobs: Int
        /// Folder for blocks.csv, miners.csv, summary.json (`nil`: write nothing).
        public var outDir: String?
        /// `.summary` skips blocks.csv and miners.csv (summary.json only).
        public var outputs: Outputs
        /// Called after each replication is merged, with (merged, total); from any thread.
        public var progress: (@Sendable (Int, Int) -> Void)?

        public init(jobs: Int = 1, outDir: String? = nil, outputs: Outputs = .all,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) {
            self.jobs = jobs
            self.outDir = outDir
            self.outputs = outputs
            self.progress = progress
        }
    }

    public enum RunError: Error, Sendable, CustomStringConvertible {
        case policy(String)
        case output(OutputError)
        public var description: String {
            switch self {
            case .policy(let m): return m
            case .output(let e): return e.description
            }
        }
    }

    static func policy(_ sc: Scenario) throws(RunError) -> PolicyBridge {
        do { return try PolicyBridge(toml: sc.chain.policyTOML) } catch { throw .policy("chain.policy (\(sc.chain.policy)): \(error)") }
    }

    /// Runs one replication, streaming its blocks into `sink`.
    public static func run<S: BlockSink>(scenario: Scenario, replication: Int, sink: inout S) throws(RunError) -> ReplicationStats {
        let p = try policy(scenario)
        return runReplication(scenario, replication, p, &sink)
    }

    static func runReplication<S: BlockSink>(_ sc: Scenario, _ rep: Int, _ p: PolicyBridge, _ sink: inout S) -> ReplicationStats {
        var r = Replication(scenario: sc, replication: rep, policy: p)
        return r.run(sink: &sink)
    }

    /// Runs all replications on `options.jobs` threads; output bytes do not depend on `jobs`.
    public static func run(scenario sc: Scenario, options: Options) throws(RunError) -> Summary {
        let p = try policy(sc)
        let jobs = max(1, min(options.jobs, sc.replications))
        let rows = options.outDir != nil && options.outputs == .all
        var blocksFile: CSVFile? = nil, minersFile: CSVFile? = nil
        if let dir = options.outDir {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch { throw .output(OutputError(path: dir, reason: "cannot create the folder")) }
            if rows {
                do {
                    blocksFile = try CSVFile(path: dir + "/blocks.csv")
                    minersFile = try CSVFile(path: dir + "/miners.csv")
                } catch { throw .output(error) }
                blocksFile!.write(BlockRecord.csvHeader + "\n")
                minersFile!.write(MinersCSV.header + "\n")
            }
        }
        let names = sc.miners.map { CSV.escape($0.name) }  // RFC 4180: a name may hold commas or quotes
        let total = sc.replications
        let summary: Summary

        if jobs == 1 {
            var s = Summary(scenario: sc)
            for rep in 0..<total {
                let st: ReplicationStats
                if let bf = blocksFile {
                    var sink = CSVBlockSink(file: bf, names: names)
                    st = runReplication(sc, rep, p, &sink)
                } else {
                    var sink = NullBlockSink()
                    st = runReplication(sc, rep, p, &sink)
                }
                s.add(st)
                minersFile?.write(MinersCSV.rows(st))
                options.progress?(rep + 1, total)
            }
            summary = s
        } else {
            // Workers take replications in turn; finished ones are merged strictly in
            // replication order (a small reorder buffer), so sums and files are identical to jobs=1.
            struct Shared {
                var next = 0
                var merged = 0
                var pending: [Int: ReplicationStats] = [:]
                var summary: Summary
                var failure: OutputError?
            }
            let state = Mutex(Shared(summary: Summary(scenario: sc)))
            let partDir = options.outDir.map { $0 + "/.parts" }
            if let d = partDir, rows { try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true) }
            nonisolated(unsafe) let bf = blocksFile, mf = minersFile
            let progress = options.progress
            DispatchQueue.concurrentPerform(iterations: jobs) { _ in
                while true {
                    let rep: Int? = state.withLock { s in
                        guard s.next < total, s.failure == nil else { return nil }
                        defer { s.next += 1 }
                        return s.next
                    }
                    guard let rep else { return }
                    let st: ReplicationStats
                    if rows, let d = partDir {
                        let part: CSVFile
                        do throws(OutputError) { part = try CSVFile(path: "\(d)/\(rep).csv") } catch {
                            state.withLock { $0.failure = error }
                            return
                        }
                        var sink = CSVBlockSink(file: part, names: names)
                        st = runReplication(sc, rep, p, &sink)
                        part.close()
                    } else {
                        var sink = NullBlockSink()
                        st = runReplication(sc, rep, p, &sink)
                    }
                    state.withLock { s in
                        s.pending[rep] = st
                        while let ready = s.pending.removeValue(forKey: s.merged) {
                            s.summary.add(ready)
                            if let bf, let d = partDir {
                                let path = "\(d)/\(s.merged).csv"
                                bf.append(contentsOf: path)
                                try? FileManager.default.removeItem(atPath: path)
                            }
                            mf?.write(MinersCSV.rows(ready))
                            s.merged += 1
                            progress?(s.merged, total)
                        }
                    }
                }
            }
            if let d = partDir, rows { try? FileManager.default.removeItem(atPath: d) }
            let (s, failure) = state.withLock { ($0.summary, $0.failure) }
            if let failure { throw .output(failure) }
            summary = s
        }
        blocksFile?.close()
        minersFile?.close()
        if let dir = options.outDir {
            let path = dir + "/summary.json"
            guard FileManager.default.createFile(atPath: path, contents: Data((summary.json.canonical + "\n").utf8)) else {
                throw .output(OutputError(path: path, reason: "cannot be written"))
            }
        }
        return summary
    }
}
