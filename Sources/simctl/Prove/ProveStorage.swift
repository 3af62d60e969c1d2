import ArgumentParser
import Foundation
import MiningCore
import Verifiers

/// `simctl prove storage`: answers an epoch's challenges from a real sector file and prints the
/// signed storage:v1 heartbeat envelope.
struct ProveStorage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Answer a storage heartbeat from a sector file and print its storage:v1 envelope.",
        discussion: """
            --create writes a fresh sector of --leaves 4 KiB leaves (content from --data-seed) to --sector \
            first; otherwise --sector must be an existing file whose size is a multiple of 4096. \
            Dishonest knobs: --drop-openings N (lowers avail), --corrupt-leaf (rejected), --stale-epoch \
            (rejected), --forge-signature (rejected). --tickets N adds retrieval tickets from N dev clients.
            """
    )

    @Option(help: "Sector file path.") var sector: String
    @Flag(help: "Create (overwrite) the sector file first.") var create = false
    @Option(help: "Leaves of a created sector (1…1048576).") var leaves = 64
    @Option(help: "Content seed of a created sector.") var dataSeed: UInt64 = 1
    @Option(help: "Parent block hash, 0x + 64 hex digits (seeds the challenges).") var parentHash: String
    @Option(help: "The epoch to answer.") var epoch: UInt64
    @Option(help: "Challenges per heartbeat (1…1024; policy default 16).") var challenges = 16
    @Option(help: "Provider Ed25519 dev key name.") var keySeed = "storage"
    @Option(name: .customLong("chain-id"), help: "Chain id of the nullifier (u32).") var chainId: UInt32 = 1337
    @Option(help: "Retrieval tickets from this many dev clients.") var tickets = 0
    @Option(help: "Omit the last N openings.") var dropOpenings = 0
    @Flag(help: "Flip a byte of the first opened leaf.") var corruptLeaf = false
    @Flag(help: "Answer the previous epoch.") var staleEpoch = false
    @Flag(help: "Sign with a different key than the body names.") var forgeSignature = false

    func run() throws {
        let parent = try ProveUseful.hash32(parentHash, field: "--parent-hash")
        try ProveUseful.range(epoch, 0...UInt64(Int64.max), field: "--epoch")
        try ProveUseful.range(challenges, 1...StorageProofBody.maxChallenges, field: "--challenges")
        try ProveUseful.range(tickets, 0...challenges, field: "--tickets")
        try ProveUseful.range(dropOpenings, 0...challenges, field: "--drop-openings")
        let key = Ed25519.PrivateKey(devName: keySeed)
        let provider: StorageProvider
        do {
            if create {
                try ProveUseful.range(leaves, 1...(1 << 20), field: "--leaves")
                provider = try StorageProvider.create(key: key, path: sector, leafCount: leaves, dataSeed: dataSeed)
            } else {
                guard FileManager.default.fileExists(atPath: sector) else {
                    throw CLI.fail("--sector", "file '\(sector)' does not exist (pass --create to make one)")
                }
                provider = try StorageProvider.load(key: key, path: sector)
            }
            let clients = (0..<tickets).map { Ed25519.PrivateKey(devName: "storage-client-\($0)") }
            let env = try provider.prove(parentHash: parent, epoch: epoch, challenges: challenges, chainId: chainId,
                                         ticketClients: clients,
                                         dishonesty: .init(dropOpenings: dropOpenings, corruptLeaf: corruptLeaf,
                                                           staleEpoch: staleEpoch, forgeSignature: forgeSignature))
            CLI.printJSON(env.json)
        } catch let e as StorageProvider.FileError {
            throw CLI.fail("--sector", e.description)
        }
    }
}
