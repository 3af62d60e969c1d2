import ArgumentParser
import Foundation
import MiningCore

/// The command line's output contract: results are one JSON object per line on stdout; unusable
/// input is one line on stderr naming the field and what was expected, and a non-zero exit —
/// never a stack trace.
enum CLI {
    /// Prints one canonical (sorted keys, compact) JSON object on its own line.
    static func printJSON(_ value: JSONValue) {
        print(value.canonical)
    }

    /// Reports unusable input and exits with `code` (2 unless a command documents otherwise).
    static func fail(_ field: String, _ expected: String, code: Int32 = 2) -> ExitCode {
        FileHandle.standardError.write(Data("simctl: \(field): \(expected)\n".utf8))
        return ExitCode(code)
    }

    /// Reads a whole file (or stdin for `-`) or fails naming the path.
    static func readFile(_ path: String, field: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard FileManager.default.fileExists(atPath: path) else {
            throw fail(field, "file '\(path)' does not exist")
        }
        guard let d = FileManager.default.contents(atPath: path) else {
            throw fail(field, "file '\(path)' cannot be read")
        }
        return d
    }
}
