import ArgumentParser
import MiningCore

/// `simctl inspect share`: the share target for Θ and an expected K shares per block.
struct InspectShare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "share",
        abstract: "tShare(Θ, K) and, with --h, d_ratio_ppm = floor(H·10^6/Θ).",
        discussion: "Prints {\"tShare\": n} and, when --h is given, \"dRatioPpm\"."
    )

    @Option(name: .customLong("theta"), parsing: .unconditional, help: "Θ in µ-nats (integer ≥ 1).")
    var theta: String?

    @Option(name: .customLong("k"), parsing: .unconditional, help: "Expected shares per block K (integer ≥ 1).")
    var k: String?

    @Option(name: .customLong("h"), parsing: .unconditional, help: "A share's H in µ-nats (integer ≥ 0).")
    var h: String?

    func run() throws {
        let thetaMicro = try InspectArguments.integer(theta, "--theta", in: 1...Int64.max)
        let kk = try InspectArguments.integer(k, "--k", in: 1...Int64.max)
        var out: [String: JSONValue] = ["tShare": .int(ShareTarget.tShare(thetaMicro: thetaMicro, k: kk))]
        if h != nil {
            let hv = try InspectArguments.integer(h, "--h", in: 0...Int64.max)
            out["dRatioPpm"] = .int(ShareTarget.dRatioPpm(H: hv, thetaMicro: thetaMicro))
        }
        CLI.printJSON(.object(out))
    }
}
