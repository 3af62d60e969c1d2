import Foundation
import PoIESSim
import Testing
import TestSupport
import MiningCore

@Suite struct CSVTests {
    @Test func escapesOnlyWhenNeeded() {
        #expect(CSV.escape("plain") == "plain")
        #expect(CSV.escape("a,b") == "\"a,b\"")
        #expect(CSV.escape("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.escape("two\nlines") == "\"two\nlines\"")
        #expect(CSV.escape("cr\r") == "\"cr\r\"")
        #expect(CSV.line(["a", "", "b,c"]) == "a,,\"b,c\"\n")
    }

    @Test func roundTripsQuotesCommasAndNewlines() throws {
        let rows = [
            ["replication", "miner", "note"],
            ["0", "beta, \"the second\"", "line one\nline two"],
            ["1", "", "\"\""],
            ["2", "trailing,", "crlf\r\ninside"],
            ["3", " spaced ", "ünïcödé ψ Θ"],
        ]
        let text = rows.map(CSV.line).joined()
        #expect(try CSV.parse(text) == rows)
    }

    @Test func acceptsCRLFAndMissingFinalNewline() throws {
        #expect(try CSV.parse("a,b\r\n1,2\r\n3,\"x\"") == [["a", "b"], ["1", "2"], ["3", "x"]])
        #expect(try CSV.parse("a,b\n\n1,2\n") == [["a", "b"], ["1", "2"]])
        #expect(try CSV.parse("a,\n") == [["a", ""]])
    }

    @Test func rejectsMalformedQuotes() {
        #expect(throws: CSVError.unterminatedQuote(line: 2)) { try CSV.parse("a\n\"open,b\nc\n") }
        #expect(throws: CSVError.strayQuote(line: 1)) { try CSV.parse("ab\"c,d\n") }
        #expect(throws: CSVError.strayQuote(line: 1)) { try CSV.parse("\"ab\"c,d\n") }
    }

    /// Records larger than and straddling the reader's 64 KiB chunks, with quoted newlines and
    /// CRLF split across chunk boundaries (contents from SplitMix64 seed 5).
    @Test func streamingReaderMatchesWholeParse() throws {
        var rng = SplitMix64(seed: 5)
        let alphabet = Array("ab,\"\n\r xyzΘ")
        var rows: [[String]] = [["k", "text"]]
        for i in 0..<3000 {
            let len = Int(rng.next() % (i == 7 ? 150_000 : 60))
            let s = String((0..<len).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            rows.append([String(i), s])
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csv-stream-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let w = try CSVWriter(path: url.path)
        for r in rows { w.write(r) }
        w.close()
        var read: [[String]] = []
        try CSVReader(url: url).forEachRecord { read.append($0) }
        #expect(read.count == rows.count)
        #expect(read == rows)
        #expect(try CSVReader(url: url).readTable() == CSVTable(header: rows[0], rows: Array(rows.dropFirst())))
    }

    @Test func readerNamesAMissingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/blocks.csv")
        #expect(throws: CSVError.cannotOpen(path: url.path)) { try CSVReader(url: url).forEachRecord { _ in } }
    }
}
