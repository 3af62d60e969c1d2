import ArgumentParser
import MiningCore

/// `simctl inspect threshold`: the integer threshold a scanner compares digests against.
struct InspectThreshold: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "X(t): the largest x with H(x) ≥ t.",
        discussion: """
            Prints {"X": "0x…"} with 64 hex digits (zero-padded; a digest meets t iff its first \
            32 bytes are ≤ X), or {"X": "-1"} when no x reaches t (t > 177445678).
            """
    )

    @Option(name: .customLong("t"), parsing: .unconditional, help: "Target t in µ-nats (integer ≥ 0).")
    var t: String?

    func run() throws {
        let target = try InspectArguments.integer(t, "--t", in: 0...Int64.max)
        CLI.printJSON(["X": .string(Threshold.hex(Threshold.X(t: target)))])
    }
}
