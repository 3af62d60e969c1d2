import ArgumentParser
import MiningCore

/// `simctl inspect h`: the exact hash luck of one x.
struct InspectH: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "h",
        abstract: "Exact H(x) = roundHalfEven(−ln((x+1)/2^256)·10^6) in µ-nats.",
        discussion: "x is the big-endian integer of the first 32 digest bytes. Prints {\"H\": n}."
    )

    @Option(name: .customLong("x"), parsing: .unconditional, help: "x: 0x + 1…64 hex digits (at most 32 bytes).")
    var x: String?

    func run() throws {
        let bytes = try InspectArguments.hexInteger(x, "--x", maxBytes: 32)
        CLI.printJSON(["H": .int(HashLuck.H(x: bytes))])
    }
}
