#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered append-only text file (rows go to disk in 256 KiB chunks, never all in memory).
final class CSVFile {
    private let fp: UnsafeMutablePointer<FILE>
    private var buf: [UInt8] = []
    let path: String

    init(path: String, append: Bool = false) throws(OutputError) {
        guard let f = fopen(path, append ? "ab" : "wb") else { throw OutputError(path: path, reason: "cannot be opened for writing") }
        fp = f
        self.path = path
        buf.reserveCapacity(1 << 18)
    }

    @inline(__always)
    func write(_ s: String) {
        buf.append(contentsOf: s.utf8)
        if buf.count >= 1 << 18 { flush() }
    }

    func flush() {
        if !buf.isEmpty { _ = buf.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, fp) }; buf.removeAll(keepingCapacity: true) }
    }

    /// Appends another file's bytes (replication parts joined in order).
    func append(contentsOf other: String) {
        flush()
        guard let src = fopen(other, "rb") else { return }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, src) }
            if n == 0 { break }
            _ = chunk.withUnsafeBytes { fwrite($0.baseAddress, 1, n, fp) }
        }
        fclose(src)
    }

    func close() {
        flush()
        fclose(fp)
    }
}

public struct OutputError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Writes rows of `blocks.csv` (see `BlockRecord` for the columns).
struct CSVBlockSink: BlockSink {
    let file: CSVFile
    let names: [String]

    mutating func block(_ b: BlockRecord) {
        var s = String(b.replication)
        s += ","; s += String(b.height)
        s += ","; s += String(b.time)
        s += ","; s += names[b.minerGroup]
        s += ","; s += String(b.thetaMicro)
        s += ","; s += String(b.hMicro)
        s += ","; s += String(b.psiCreditedMicro)
        s += ","; s += String(b.psiByType.0)
        s += ","; s += String(b.psiByType.1)
        s += ","; s += String(b.psiByType.2)
        s += ","; s += String(b.psiByType.3)
        s += ","; s += String(b.psiByType.4)
        s += ","; s += String(b.interval)
        s += b.orphaned ? ",1\n" : ",0\n"
        file.write(s)
    }
}

enum MinersCSV {
    static let header = "replication,miner,hashrate_share,useful_share,blocks,block_share,orphans,reward,proof_spend,net_reward,market_proofs"

    /// One row per miner group of a replication.
    static func rows(_ r: ReplicationStats) -> String {
        let work = r.groups.reduce(0) { $0 + $1.work }
        let psi = r.groups.reduce(0) { $0 + $1.psiCreditedMicro }
        let blocks = r.groups.reduce(0) { $0 + $1.blocks }
        var out = ""
        for g in r.groups {
            out += "\(r.replication),\(CSV.escape(g.name)),\(work > 0 ? g.work / work : 0),\(psi > 0 ? g.psiCreditedMicro / psi : 0),"
            out += "\(g.blocks),\(blocks > 0 ? Double(g.blocks) / Double(blocks) : 0),\(g.orphans),"
            out += "\(g.reward),\(g.proofSpend),\(g.reward - g.proofSpend),\(g.marketProofs)\n"
        }
        return out
    }
}
