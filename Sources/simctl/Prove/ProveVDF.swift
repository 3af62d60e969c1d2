import ArgumentParser
import MiningCore
import Verifiers

/// `simctl prove vdf --seed 0x… --t N`: evaluates the Wesolowski VDF from `g = H2G(seed, N)` and
/// prints its envelope.
struct ProveVDF: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vdf",
        abstract: "Evaluate a Wesolowski VDF (T squarings) and print its vdf:v1 envelope.",
        discussion: "Proving takes about 2T modular multiplications (T = 65536: well under a second)."
    )

    @Option(help: "Seed bytes, 0x-prefixed lowercase hex (the parent hash for a mining bonus).")
    var seed: String

    @Option(name: .customLong("t"), help: "Number of squarings, 256 … 100000000.")
    var t: Int64

    @Option(help: "Named modulus (built in: rsa2048).")
    var modulus: String = "rsa2048"

    @Option(name: .customLong("chain-id"), help: "Chain id of the nullifier (u32).")
    var chainId: UInt32 = 1337

    func run() throws {
        guard let s = try? StrictHex.bytes(seed, field: "--seed") else {
            throw CLI.fail("--seed", "expected 0x-prefixed lowercase hex bytes")
        }
        guard t >= Int64(Wesolowski.minT), t <= 100_000_000 else {
            throw CLI.fail("--t", "expected an integer 256 … 100000000, got \(t)")
        }
        guard let n = VDFModuli.modulus(named: modulus) else {
            throw CLI.fail("--modulus", "expected one of \(VDFModuli.named.keys.sorted().joined(separator: ", "))")
        }
        let proof = VDFProof.prove(seed: s, T: UInt64(t), modulus: n)
        CLI.printJSON(proof.envelope(chainId: chainId).json)
    }
}
