import ArgumentParser
import MiningCore
import Verifiers

/// `simctl prove quantum`: runs the dev QPU (reversible circuits with seeded readout noise) on a job
/// circuit and trap circuits and prints its signed quantum:v1 envelope.
struct ProveQuantum: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantum",
        abstract: "Run trap circuits on the dev QPU (with optional noise) and print its quantum:v1 envelope.",
        discussion: """
            Each output bit flips with probability --noise (seeded by --rng-seed), so traps ≈ (1 − noise)^width. \
            Dishonest knobs: --wrong-outcomes N commits wrong outcomes for N traps (lowers traps), \
            --forge-signature signs with another key (rejected).
            """
    )

    @Option(help: "Qubits (3…16).") var width = 8
    @Option(help: "Gates per circuit (1…1024).") var depth = 64
    @Option(help: "Shots per trap (1…1000000).") var shots: UInt64 = 1024
    @Option(help: "Trap circuits (4…64).") var traps = 16
    @Option(help: "Per-bit readout flip probability (0…1).") var noise = 0.0
    @Option(help: "Noise RNG seed.") var rngSeed: UInt64 = 1
    @Option(help: "Job circuit seed text.") var jobSeed = "job"
    @Option(help: "Trap seed text (committed, then revealed).") var trapSeed = "traps"
    @Option(help: "Provider Ed25519 dev key name.") var keySeed = "qpu"
    @Option(name: .customLong("chain-id"), help: "Chain id of the nullifier (u32).") var chainId: UInt32 = 1337
    @Option(help: "Attested 95th-percentile latency, ms.") var latencyMs: UInt64 = 400
    @Option(help: "Attested success rate, permil (0…1000).") var successPermil: UInt64 = 1000
    @Option(help: "Commit wrong outcomes for this many traps.") var wrongOutcomes = 0
    @Flag(help: "Sign with a different key than the body names.") var forgeSignature = false

    func run() throws {
        try ProveUseful.range(width, ReversibleCircuit.widthRange, field: "--width")
        try ProveUseful.range(depth, ReversibleCircuit.depthRange, field: "--depth")
        try ProveUseful.range(shots, QuantumProofBody.shotsRange, field: "--shots")
        try ProveUseful.range(traps, QuantumProofBody.trapCountRange, field: "--traps")
        guard noise.isFinite, (0...1).contains(noise) else { throw CLI.fail("--noise", "expected a probability in 0 … 1") }
        try ProveUseful.range(latencyMs, 0...QualityOfService.maxLatencyMs, field: "--latency-ms")
        try ProveUseful.range(successPermil, 0...1000, field: "--success-permil")
        try ProveUseful.range(wrongOutcomes, 0...traps, field: "--wrong-outcomes")
        let qpu = QuantumDevQPU(key: Ed25519.PrivateKey(devName: keySeed), width: width, depth: depth, shots: shots,
                                trapCount: traps, noise: noise, rngSeed: rngSeed, latencyMsP95: latencyMs,
                                successPermil: successPermil)
        let env = qpu.prove(jobSeed: ProveUseful.seed(jobSeed), trapSeed: ProveUseful.seed(trapSeed), chainId: chainId,
                            dishonesty: .init(wrongOutcomes: wrongOutcomes, forgeSignature: forgeSignature))
        CLI.printJSON(env.json)
    }
}
