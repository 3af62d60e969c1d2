import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-node Slurm cluster in a private folder, for the distributed-sweep test: `munged` with its
/// own key and socket, `slurmctld` and `slurmd` on ports of their own, all as root and in the
/// foreground (so the test owns their processes and stops them by pid). Nothing outside `dir` is
/// touched: commands find the cluster through `SLURM_CONF`.
///
/// The node advertises 64 CPUs (`SlurmdParameters=config_overrides`) so that the 32 array tasks
/// of docs/SWEEPS.md start together instead of one after another (Slurm spends ~2.5 s per task
/// between tasks here); the CPUs are oversubscribed, the total work is the same.
final class SlurmCluster {
    static let binaries = ["/usr/sbin/munged", "/usr/sbin/mungekey", "/usr/sbin/slurmctld", "/usr/sbin/slurmd",
                           "/usr/bin/sbatch", "/usr/bin/squeue", "/usr/bin/sinfo"]

    /// Why the test cannot run here, or nil when it can.
    static var unavailableReason: String? {
        if getuid() != 0 { return "the Slurm test starts munged, slurmctld and slurmd as root; run the suite as root" }
        let missing = binaries.filter { !FileManager.default.isExecutableFile(atPath: $0) }
        if !missing.isEmpty { return "missing \(missing.joined(separator: ", ")): `make deps` installs slurm-wlm and munge" }
        return nil
    }

    let dir: URL
    /// The daemons' pids. They are spawned with posix_spawn, not Foundation's Process: Foundation
    /// reaps children by blocking in waitpid on each in turn, and a long-lived daemon there kept
    /// every later short command (sinfo, sbatch) from ever being seen to exit.
    private var daemons: [pid_t] = []
    var conf: URL { dir.appendingPathComponent("slurm.conf") }
    var environment: [String: String] { ["SLURM_CONF": conf.path] }

    init(dir: URL) { self.dir = dir }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program to completion (with a deadline) and returns its status and output.
    @discardableResult
    static func run(_ exe: String, _ args: [String], cwd: URL? = nil, env: [String: String] = [:], timeout: Double = 60) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = cwd }
        p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let pid = p.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if p.isRunning { kill(pid, SIGKILL) } }
        nonisolated(unsafe) var errData = Data()
        let g = DispatchGroup()
        g.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); g.leave() }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        g.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    private func daemon(_ exe: String, _ args: [String], log: String) throws {
        let logPath = dir.appendingPathComponent(log).path
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = ([exe] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, exe, &actions, nil, argv, envp)
        guard rc == 0 else { throw Failure(description: "cannot start \(exe): posix_spawn error \(rc)") }
        daemons.append(pid)
    }

    /// Writes the key and slurm.conf, starts the daemons and waits (≤ 30 s) for the node to be idle.
    func start() async throws {
        let fm = FileManager.default
        for d in ["state", "spool"] { try fm.createDirectory(at: dir.appendingPathComponent(d), withIntermediateDirectories: true) }
        let key = dir.appendingPathComponent("munge.key").path
        let k = try Self.run("/usr/sbin/mungekey", ["--create", "--keyfile=\(key)", "--force"])
        guard k.status == 0 else { throw Failure(description: "mungekey: \(k.err)") }
        let socket = dir.appendingPathComponent("munge.socket").path
        try daemon("/usr/sbin/munged", ["--foreground", "--force", "--key-file=\(key)", "--socket=\(socket)",
                                        "--pid-file=\(dir.path)/munged.pid", "--log-file=\(dir.path)/munged.log",
                                        "--seed-file=\(dir.path)/munged.seed"], log: "munged.out")
        let deadline0 = Date().addingTimeInterval(10)
        while !fm.fileExists(atPath: socket) && Date() < deadline0 { try await Task.sleep(for: .milliseconds(50)) }
        guard fm.fileExists(atPath: socket) else { throw Failure(description: "munged did not create its socket: \(log("munged.out"))") }
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let port = 20000 + Int(getpid() % 20000)
        let d = dir.path
        let text = """
            ClusterName=poiestest
            SlurmctldHost=\(host)
            SlurmUser=root
            SlurmdUser=root
            SlurmctldPort=\(port)
            SlurmdPort=\(port + 1)
            AuthType=auth/munge
            AuthInfo=socket=\(socket)
            CredType=cred/munge
            StateSaveLocation=\(d)/state
            SlurmdSpoolDir=\(d)/spool
            SlurmctldPidFile=\(d)/slurmctld.pid
            SlurmdPidFile=\(d)/slurmd.pid
            SlurmctldLogFile=\(d)/slurmctld.log
            SlurmdLogFile=\(d)/slurmd.log
            ProctrackType=proctrack/linuxproc
            TaskPlugin=task/none
            SelectType=select/cons_tres
            SelectTypeParameters=CR_Core
            SlurmdParameters=config_overrides
            SchedulerType=sched/backfill
            MpiDefault=none
            ReturnToService=2
            JobAcctGatherType=jobacct_gather/none
            AccountingStorageType=accounting_storage/none
            JobCompType=jobcomp/none
            SwitchType=switch/none
            NodeName=\(host) CPUs=64 Boards=1 SocketsPerBoard=1 CoresPerSocket=64 ThreadsPerCore=1 RealMemory=65536 State=UNKNOWN
            PartitionName=main Nodes=ALL Default=YES MaxTime=INFINITE State=UP

            """
        try text.write(to: conf, atomically: true, encoding: .utf8)
        try daemon("/usr/sbin/slurmctld", ["-D", "-c", "-f", conf.path], log: "slurmctld.out")
        try daemon("/usr/sbin/slurmd", ["-D", "-f", conf.path], log: "slurmd.out")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let s = try Self.run("/usr/bin/sinfo", ["-h", "-o", "%T"], env: environment, timeout: 10)
            if s.status == 0, s.out.contains("idle") { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "the node did not become idle in 30 s; slurmctld: \(log("slurmctld.log")) slurmd: \(log("slurmd.log"))")
    }

    /// The tail of one of the cluster's logs (for failure messages).
    func log(_ name: String) -> String {
        let t = (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? "(none)"
        return String(t.suffix(1500))
    }

    /// Waits until no job is queued or running (nil) or `timeout` passes (the queue then).
    func waitForEmptyQueue(timeout: Double) async throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            let q = try Self.run("/usr/bin/squeue", ["-h"], env: environment, timeout: 10)
            last = q.out + q.err
            if q.status == 0, q.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return nil }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    /// Stops the daemons this object started (SIGTERM, then SIGKILL after 5 s), newest first,
    /// and reaps them.
    func stop() {
        for pid in daemons.reversed() {
            kill(pid, SIGTERM)
            var status: Int32 = 0
            let deadline = Date().addingTimeInterval(5)
            while waitpid(pid, &status, WNOHANG) == 0 {
                if Date() > deadline { kill(pid, SIGKILL); _ = waitpid(pid, &status, 0); break }
                usleep(50_000)
            }
        }
        daemons.removeAll()
    }

    deinit { stop() }
}
