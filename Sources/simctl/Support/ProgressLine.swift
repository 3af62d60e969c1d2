import Foundation
import PoIESSim

/// The progress line of `simctl run` and `simctl sweep` on stderr: "sweep: 12/180 runs, 3.1 runs/s,
/// ETA 0:54". On a terminal it redraws one line (at most 5 times a second) and clears it at the
/// end; otherwise (a Slurm log, a pipe) it prints a plain line at most every 10 s plus a last
/// "… done in" line, so logs show where a long job is without filling up. The ETA extrapolates
/// the rate of the runs finished in this process (runs taken over by `--resume` are not counted
/// in the rate).
final class ProgressLine: @unchecked Sendable {
    let label: String
    let unit: String
    let total: Int
    private let tty: Bool
    private let lock = NSLock()
    private let start = Date()
    private var startDone: Int?
    private var done = 0
    private var lastPrint = Date.distantPast
    private let interval: TimeInterval

    init(label: String, unit: String, total: Int, tty: Bool = isatty(2) != 0) {
        self.label = label
        self.unit = unit
        self.total = total
        self.tty = tty
        interval = tty ? 0.2 : 10
    }

    /// The driver's progress callback for `line` (nil without a line).
    static func callback(_ line: ProgressLine?) -> SweepDriver.Progress? {
        guard let line else { return nil }
        let f: SweepDriver.Progress = { done, _ in line.update(done) }
        return f
    }

    func update(_ done: Int) {
        lock.lock(); defer { lock.unlock() }
        if startDone == nil { startDone = done }
        self.done = done
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= interval || (tty && done == total) else { return }
        lastPrint = now
        emit(line(now: now), final: false)
    }

    /// The line for the current state (exposed for tests of the format).
    func line(now: Date) -> String {
        let elapsed = now.timeIntervalSince(start)
        let fresh = done - (startDone ?? 0)
        var s = "\(label): \(done)/\(total) \(unit)"
        if fresh > 0, elapsed > 0 {
            let rate = Double(fresh) / elapsed
            s += String(format: ", %.3g %@/s", rate, unit)
            if done < total { s += ", ETA " + Self.clock(Double(total - done) / rate) }
        }
        return s
    }

    static func clock(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let t = Int(seconds.rounded(.up))
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60)
        return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if tty {
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        } else {
            let secs = Date().timeIntervalSince(start)
            emit("\(label): \(done)/\(total) \(unit) done in \(String(format: "%.1f", secs)) s", final: true)
        }
    }

    private func emit(_ s: String, final: Bool) {
        FileHandle.standardError.write(Data((tty ? "\r\u{1B}[K" + s : s + "\n").utf8))
    }
}
