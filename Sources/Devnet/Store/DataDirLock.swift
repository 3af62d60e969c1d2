import Foundation
import Synchronization

/// One node per data directory: an exclusive `flock` on `dataDir/LOCK`, held for the life of the
/// ``BlockStore``, with the holder's pid written in the file so the refusal can name it.
///
/// `flock` locks belong to the open file description, so they also refuse a second store in the
/// same process, and the kernel drops them when the holder dies (a SIGKILLed node never leaves
/// a stale lock behind — no pid-file guessing).
final class DataDirLock: Sendable {
    let path: String
    private let fd: Mutex<Int32?>

    init(dataDir: String) throws {
        path = (dataDir as NSString).appendingPathComponent("LOCK")
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw BlockStoreError.io("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let err = errno
            var buf = [UInt8](repeating: 0, count: 32)
            let n = pread(fd, &buf, buf.count, 0)
            close(fd)
            guard err == EWOULDBLOCK else { throw BlockStoreError.io("cannot lock \(path): \(String(cString: strerror(err)))") }
            let pid = n > 0 ? String(decoding: buf[..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : "?"
            throw BlockStoreError.locked(dataDir: dataDir, pid: pid)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        self.fd = Mutex(fd)
    }

    /// Gives the directory up (idempotent); also done when the lock is released from memory.
    func release() {
        guard let fd = fd.withLock({ f in defer { f = nil }; return f }) else { return }
        _ = flock(fd, LOCK_UN)
        close(fd)
    }

    deinit { release() }
}
