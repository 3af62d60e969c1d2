import Foundation

/// Runs the built `simctl` binary end to end (like argument-parser's example tests).
///
/// The binary is `$SIMCTL_BIN` when set (the Makefile sets it), else the first of
/// `.build/{release,debug}/simctl` built most recently.
public enum Simctl {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        /// True when the run was killed at its deadline.
        public var timedOut = false
    }

    public static var binary: URL? {
        if let p = ProcessInfo.processInfo.environment["SIMCTL_BIN"], FileManager.default.isExecutableFile(atPath: p) {
            return URL(fileURLWithPath: p)
        }
        // The most recently built of release and debug, so a stale build never answers.
        let candidates = ["release", "debug"]
            .map { ProjectPaths.root.appendingPathComponent(".build/\($0)/simctl") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        func mtime(_ u: URL) -> Date {
            ((try? FileManager.default.attributesOfItem(atPath: u.path))?[.modificationDate] as? Date) ?? .distantPast
        }
        return candidates.max { mtime($0) < mtime($1) }
    }

    /// Runs `simctl args…` with optional stdin, in `cwd` (default: the package root). With a
    /// `timeout` (seconds; 600 unless given, so no test waits forever) the process is killed
    /// when it runs longer, and `timedOut` is set.
    public static func run(_ args: [String], stdin: String? = nil, cwd: URL? = nil, timeout: Double? = 600,
                           environment: [String: String]? = nil) throws -> Output {
        guard let bin = binary else {
            throw NSError(domain: "Simctl", code: 1, userInfo: [NSLocalizedDescriptionKey: "simctl is not built; run swift build --product simctl"])
        }
        let p = Process()
        p.executableURL = bin
        p.arguments = args
        p.currentDirectoryURL = cwd ?? ProjectPaths.root
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        // A child that exits before reading its stdin must not kill the test process with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try p.run()
        let killed = Flag()
        if let timeout {
            let pid = p.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                guard p.isRunning else { return }
                killed.set()
                kill(pid, SIGKILL)
            }
        }
        if let s = stdin { try? inp.fileHandleForWriting.write(contentsOf: Data(s.utf8)) }
        try? inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a large stderr cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self), timedOut: killed.isSet)
    }
}

/// A thread-safe one-way flag.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
