import Foundation

/// RFC 4180 CSV: fields are quoted when they hold a comma, a quote, CR or LF, and quotes inside a
/// quoted field are doubled. Records end in LF on output; CRLF and LF are both accepted on input.
///
/// The simulator's outputs (`blocks.csv`, `miners.csv`, `runs.csv`, `aggregate.csv`) all go
/// through this one encoder so that pandas, spreadsheets and `simctl report` read the same bytes.
public enum CSV {
    /// One field, quoted only when it must be.
    public static func escape(_ field: String) -> String {
        var needsQuotes = false
        for u in field.utf8 where u == UInt8(ascii: ",") || u == UInt8(ascii: "\"") || u == 0x0A || u == 0x0D {
            needsQuotes = true
            break
        }
        guard needsQuotes else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One record with its trailing newline.
    public static func line(_ fields: [String]) -> String {
        var s = ""
        for (i, f) in fields.enumerated() {
            if i > 0 { s += "," }
            s += escape(f)
        }
        s += "\n"
        return s
    }

    /// Parses a whole document (for small files and tests; use ``CSVReader`` for large ones).
    ///
    /// - Throws: ``CSVError`` for an unterminated quote or a stray quote inside an unquoted field.
    public static func parse(_ text: String) throws(CSVError) -> [[String]] {
        var parser = CSVParser()
        var rows: [[String]] = []
        try parser.feed(Array(text.utf8)) { rows.append($0) }
        try parser.finish { rows.append($0) }
        return rows
    }
}

/// Why a CSV document could not be read; `line` is 1-based.
public enum CSVError: Error, Equatable, CustomStringConvertible {
    case unterminatedQuote(line: Int)
    case strayQuote(line: Int)
    case cannotOpen(path: String)
    case cannotWrite(path: String)

    public var description: String {
        switch self {
        case .unterminatedQuote(let l): return "a quoted field opened on line \(l) is never closed"
        case .strayQuote(let l): return "line \(l) has a quote inside an unquoted field (quote the whole field and double inner quotes)"
        case .cannotOpen(let p): return "file '\(p)' cannot be opened for reading"
        case .cannotWrite(let p): return "file '\(p)' cannot be created"
        }
    }
}

/// The incremental byte-level state machine behind ``CSV/parse(_:)`` and ``CSVReader``: bytes can
/// arrive in chunks split anywhere (even inside a quoted field or between CR and LF).
struct CSVParser {
    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }
    private var state = State.fieldStart
    private var field: [UInt8] = []
    private var record: [String] = []
    private(set) var line = 1
    private var recordStartLine = 1
    private var quoteOpenedLine = 1

    private mutating func endField() {
        record.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ emit: ([String]) -> Void) {
        endField()
        // A blank line is not a record (RFC 4180 has none; it keeps a trailing newline harmless).
        if !(record.count == 1 && record[0].isEmpty) { emit(record) }
        record.removeAll(keepingCapacity: true)
        recordStartLine = line
    }

    mutating func feed(_ bytes: [UInt8], _ emit: ([String]) -> Void) throws(CSVError) {
        let r: Result<Void, CSVError> = bytes.withUnsafeBufferPointer { p in Result { () throws(CSVError) in try feed(p, emit) } }
        try r.get()
    }

    mutating func feed(_ data: Data, _ emit: ([String]) -> Void) throws(CSVError) {
        let r: Result<Void, CSVError> = data.withUnsafeBytes { raw in
            Result { () throws(CSVError) in try feed(raw.bindMemory(to: UInt8.self), emit) }
        }
        try r.get()
    }

    mutating func feed(_ p: UnsafeBufferPointer<UInt8>, _ emit: ([String]) -> Void) throws(CSVError) {
        let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        let n = p.count
        var i = 0
        while i < n {
            let b = p[i]
            if state == .afterCR {
                state = .fieldStart
                if b == lf { i += 1; continue }  // CRLF already ended the record
            }
            switch state {
            case .fieldStart, .unquoted:
                if b == comma {
                    endField(); state = .fieldStart
                } else if b == lf {
                    line += 1; endRecord(emit); state = .fieldStart
                } else if b == cr {
                    line += 1; endRecord(emit); state = .afterCR
                } else if b == quote {
                    guard state == .fieldStart else { throw .strayQuote(line: line) }
                    quoteOpenedLine = line
                    state = .quoted
                } else {
                    // Fast path: copy the run of ordinary bytes in one go.
                    var j = i + 1
                    while j < n {
                        let c = p[j]
                        if c == comma || c == lf || c == cr || c == quote { break }
                        j += 1
                    }
                    field.append(contentsOf: UnsafeBufferPointer(rebasing: p[i..<j]))
                    state = .unquoted
                    i = j
                    continue
                }
            case .quoted:
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    if b == lf { line += 1 }
                    field.append(b)
                }
            case .quoteInQuoted:
                if b == quote {
                    field.append(quote); state = .quoted
                } else if b == comma {
                    endField(); state = .fieldStart
                } else if b == lf {
                    line += 1; endRecord(emit); state = .fieldStart
                } else if b == cr {
                    line += 1; endRecord(emit); state = .afterCR
                } else {
                    throw .strayQuote(line: line)
                }
            case .afterCR:
                break  // handled above
            }
            i += 1
        }
    }

    /// Ends the document: a last record without a trailing newline is still a record.
    mutating func finish(_ emit: ([String]) -> Void) throws(CSVError) {
        switch state {
        case .quoted: throw .unterminatedQuote(line: quoteOpenedLine)
        case .fieldStart where record.isEmpty && field.isEmpty, .afterCR: return
        default: endRecord(emit)
        }
        state = .fieldStart
    }
}

/// Streams the records of a CSV file in 64 KiB chunks: memory stays bounded by the longest record,
/// so `simctl report` can read a multi-gigabyte `blocks.csv` in one pass.
public struct CSVReader {
    public let url: URL
    public init(url: URL) { self.url = url }

    /// Calls `body` for each record in file order (the header is the first record). `body` may
    /// throw to stop early.
    public func forEachRecord(_ body: ([String]) throws -> Void) throws {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw CSVError.cannotOpen(path: url.path) }
        defer { try? handle.close() }
        var parser = CSVParser()
        var pending: [[String]] = []
        while true {
            let chunk = handle.readData(ofLength: 1 << 16)
            if chunk.isEmpty { break }
            try parser.feed(chunk) { pending.append($0) }
            for r in pending { try body(r) }
            pending.removeAll(keepingCapacity: true)
        }
        try parser.finish { pending.append($0) }
        for r in pending { try body(r) }
    }

    /// Reads the file as a header plus rows of fields by column name.
    public func readTable() throws -> CSVTable {
        var header: [String]?
        var rows: [[String]] = []
        try forEachRecord { r in
            if header == nil { header = r } else { rows.append(r) }
        }
        return CSVTable(header: header ?? [], rows: rows)
    }
}

/// A small in-memory CSV (header + rows); for `miners.csv` and `runs.csv`, whose size is
/// O(miners) or O(runs), never O(blocks).
public struct CSVTable: Sendable, Equatable {
    public var header: [String]
    public var rows: [[String]]
    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The column's index, if present.
    public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

    /// The document's text (header first).
    public var text: String {
        var s = CSV.line(header)
        for r in rows { s += CSV.line(r) }
        return s
    }
}

/// Buffered record writer over a file (created or truncated). Call ``close()`` to flush.
public final class CSVWriter {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    public let path: String

    public init(path: String) throws(CSVError) {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path)
        else { throw .cannotWrite(path: path) }
        handle = h
        self.path = path
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ fields: [String]) {
        buffer.append(contentsOf: CSV.line(fields).utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        handle.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    public func close() {
        flush()
        try? handle.close()
    }
}
