import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running `simctl` process (a node, an external miner) whose stdout JSON lines are
/// collected as they arrive, so a test can wait for an event with a deadline and stop the process
/// the way a person does (SIGINT).
public final class SimctlProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var lines: [String] = []
    private var stderrText = ""
    private let done = DispatchGroup()

    public init(_ args: [String]) throws {
        guard let bin = Simctl.binary else {
            throw NSError(domain: "Simctl", code: 1, userInfo: [NSLocalizedDescriptionKey: "simctl is not built"])
        }
        process.executableURL = bin
        process.arguments = args
        process.currentDirectoryURL = ProjectPaths.root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        done.enter()
        DispatchQueue.global().async { [self] in
            var buffer = Data()
            let h = out.fileHandleForReading
            while true {
                let chunk = h.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let nl = buffer.firstIndex(of: 0x0a) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    lock.lock(); lines.append(line); lock.unlock()
                }
            }
            done.leave()
        }
        done.enter()
        DispatchQueue.global().async { [self] in
            let d = err.fileHandleForReading.readDataToEndOfFile()
            lock.lock(); stderrText = String(decoding: d, as: UTF8.self); lock.unlock()
            done.leave()
        }
    }

    /// Every stdout line so far.
    public var stdoutLines: [String] { lock.lock(); defer { lock.unlock() }; return lines }
    /// stderr (complete once the process has exited).
    public var stderr: String { lock.lock(); defer { lock.unlock() }; return stderrText }
    public var isRunning: Bool { process.isRunning }
    public var pid: Int32 { process.processIdentifier }

    /// Polls until `ready(lines)` returns a value or `timeout` seconds pass (then nil).
    public func wait<T>(timeout: Double, _ ready: ([String]) -> T?) async -> T? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let v = ready(stdoutLines) { return v }
            if !process.isRunning { return ready(stdoutLines) }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// Sends `sig` (SIGKILL: the process dies at once, as under a scheduler's kill or a power cut).
    public func send(_ sig: Int32) {
        if process.isRunning { kill(process.processIdentifier, sig) }
    }

    /// Waits (up to `timeout` seconds) for the process to exit; its status, or nil if it still runs.
    public func waitForExit(timeout: Double) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        process.waitUntilExit()
        done.wait()
        return process.terminationStatus
    }

    /// SIGINT, then SIGKILL if it has not exited within `grace` seconds; returns the exit status.
    @discardableResult
    public func stop(grace: Double = 10) async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        done.wait()
        return process.terminationStatus
    }
}
