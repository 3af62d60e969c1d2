import Foundation
import MiningCore

/// Reads a chain document from disk (and the policy file it names) through MiningCore's
/// ``ChainSpec/load(text:file:readFile:)``: the one place the command line turns a path into a
/// chain. `devnet` names the built-in v1.1 devnet chain.
enum ChainFile {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ path: String) throws -> ChainSpec {
        if path == "devnet" { return .devnet }
        let text = try read(path)
        return try ChainSpec.load(text: text, file: path, readFile: read)
    }

    static func read(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw Unreadable(description: "file '\(path)' does not exist") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Unreadable(description: "file '\(path)' cannot be read") }
        guard let text = String(data: data, encoding: .utf8) else { throw Unreadable(description: "file '\(path)' is not UTF-8 text") }
        return text
    }
}
