import ArgumentParser
import MiningCore
import Verifiers

/// `simctl prove ai`: runs the dev AI provider (real OpenBLAS inference of a seeded model on a job
/// and trap inputs) and prints its signed ai:v1 envelope.
struct ProveAI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ai",
        abstract: "Run a seeded integer MLP on a job plus trap inputs and print its ai:v1 envelope.",
        discussion: """
            Seeds (--model-seed, --job-seed, --trap-seed, --key-seed) are any text; their SHA3-256 is \
            used. Dishonest knobs: --wrong-traps N corrupts N trap answers (lowers traps), \
            --forge-signature signs with another key (the verifier rejects it).
            """
    )

    @Option(help: "Model id (1–64 of a–z 0–9 . - _).") var modelId = "dev-mlp"
    @Option(help: "Model seed text.") var modelSeed = "model"
    @Option(help: "Comma-separated layer sizes, 2–8 sizes of 1…1024.") var layers = "16,32,8"
    @Option(help: "Job rows (0…1048576).") var batch = 64
    @Option(help: "Trap rows (4…256).") var traps = 16
    @Option(help: "Job input seed text.") var jobSeed = "job"
    @Option(help: "Trap seed text (committed, then revealed).") var trapSeed = "traps"
    @Option(help: "Provider Ed25519 dev key name.") var keySeed = "ai-provider"
    @Option(name: .customLong("chain-id"), help: "Chain id of the nullifier (u32).") var chainId: UInt32 = 1337
    @Option(help: "Attested 95th-percentile latency, ms.") var latencyMs: UInt64 = 250
    @Option(help: "Attested success rate, permil (0…1000).") var successPermil: UInt64 = 1000
    @Option(help: "Corrupt this many trap answers.") var wrongTraps = 0
    @Flag(help: "Sign with a different key than the body names.") var forgeSignature = false

    func run() throws {
        let sizes = layers.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingPrefix(" ")) }
        guard AIModel.layerCountRange.contains(sizes.count), sizes.allSatisfy({ $0.map(AIModel.layerSizeRange.contains) ?? false }) else {
            throw CLI.fail("--layers", "expected 2–8 comma-separated sizes of 1…1024, e.g. 16,32,8")
        }
        let model = AIModel(modelId: modelId, seed: ProveUseful.seed(modelSeed), layers: sizes.map { $0! })
        guard model.isExact else {
            throw CLI.fail("--layers", "activation bound \(model.activationBound) reaches 2^53; use smaller layers")
        }
        guard (1...64).contains(modelId.utf8.count),
              modelId.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2e || $0 == 0x2d || $0 == 0x5f })
        else { throw CLI.fail("--model-id", "expected 1–64 characters of a–z, 0–9, '.', '-', '_'") }
        try ProveUseful.range(batch, 0...Int(AIProofBody.maxBatch), field: "--batch")
        try ProveUseful.range(traps, AIProofBody.trapCountRange, field: "--traps")
        guard model.macsPerRow * UInt64(traps) <= AIProofBody.maxTrapMacs else {
            throw CLI.fail("--traps", "recomputing the traps would exceed \(AIProofBody.maxTrapMacs) multiply-adds; use fewer traps or smaller layers")
        }
        try ProveUseful.range(latencyMs, 0...QualityOfService.maxLatencyMs, field: "--latency-ms")
        try ProveUseful.range(successPermil, 0...1000, field: "--success-permil")
        try ProveUseful.range(wrongTraps, 0...traps, field: "--wrong-traps")
        let provider = AIProvider(key: Ed25519.PrivateKey(devName: keySeed), model: model, batch: batch, trapCount: traps,
                                  latencyMsP95: latencyMs, successPermil: successPermil)
        let env = provider.prove(jobSeed: ProveUseful.seed(jobSeed), trapSeed: ProveUseful.seed(trapSeed), chainId: chainId,
                                 dishonesty: .init(wrongTraps: wrongTraps, forgeSignature: forgeSignature))
        CLI.printJSON(env.json)
    }
}
