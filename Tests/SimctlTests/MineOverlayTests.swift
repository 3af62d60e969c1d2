import Foundation
import Testing
import TestSupport

/// `simctl mine --overlay FILE`: a selection overlay is read once at start; one that loosens the
/// network policy, or sets a key an overlay may not, stops the command before anything binds,
/// with one stderr line `FILE:LINE: key …`.
@Suite struct MineOverlayTests {
    static func file(_ text: String, name: String) throws -> (dir: String, path: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mine-overlay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return (dir.path, path)
    }

    @Test(arguments: [
        ("# looser than the network's 4 nats\n[types.AI]\nperProofCap = 1000000\nperTypeCap = 5000000\n",
         ":4: types.AI.perTypeCap = 5000000 loosens the network policy's 4000000; an overlay may only tighten"),
        ("escortQPpm = 100000\n", ":1: escortQPpm = 100000 loosens the network policy's 150000"),
        ("[types.VDF]\nmaxProofs = 2\n", ":2: types.VDF.maxProofs = 2 loosens the network policy's 1"),
        ("[types.AI]\nkPpm = 2000000\n", ":2: types.AI.kPpm is a network policy key an overlay cannot change"),
        ("gamaCapMicro = 1\n", ":1: gamaCapMicro: unknown key (did you mean 'gammaCapMicro'?)"),
        ("[types.AI]\nmaxProofs = \"4\"\n", ":2: types.AI.maxProofs: expected an integer, found a string"),
    ])
    func refusedOverlayExitsNonZeroNamingFileLineAndKey(text: String, message: String) throws {
        let (dir, path) = try Self.file(text, name: "loose.toml")
        let r = try Simctl.run(["mine", "--overlay", path, "--threads", "0", "--rpc", "off", "--data-dir", dir + "/data"], timeout: 120)
        #expect(r.status != 0)
        #expect(r.stderr == "simctl: --overlay: \(path)\(message)\n" || r.stderr.hasPrefix("simctl: --overlay: \(path)\(message)"),
                "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.stdout.isEmpty, "nothing started: \(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/data"), "no chain database was opened")
    }

    @Test func refusedOverlayFromTheEnvironmentAndAMissingFile() throws {
        let (dir, path) = try Self.file("gammaCapMicro = 9000000\n", name: "env.toml")
        let r = try Simctl.run(["mine", "--threads", "0", "--rpc", "off", "--data-dir", dir + "/data"], timeout: 120,
                               environment: ["MINER_OVERLAY": path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(path):1: gammaCapMicro = 9000000 loosens the network policy's 8000000"), "\(r.stderr)")
        let missing = try Simctl.run(["mine", "--overlay", dir + "/nope.toml", "--threads", "0", "--rpc", "off", "--data-dir", dir + "/data"],
                                     timeout: 120)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--overlay: file '\(dir)/nope.toml' does not exist"), "\(missing.stderr)")
    }

    /// The README's example (Examples/overlay.toml) is tighter than the devnet policy.
    @Test func theShippedOverlayStartsTheNode() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mine-overlay-\(UUID().uuidString)").path
        let path = "Examples/overlay.toml"
        let r = try Simctl.run(["mine", "--overlay", path, "--threads", "0", "--rpc", "off", "--blocks", "0", "--data-dir", dir + "/data"],
                               timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\"event\":\"start\""))
        #expect(r.stderr.contains("selection overlay \(path): Γ 6.000"), "\(r.stderr)")
        #expect(r.stderr.contains("q 300000 ppm"), "\(r.stderr)")
        #expect(r.stderr.contains("ai 2.000×4"), "\(r.stderr)")
        #expect(r.stderr.contains("hashshare 4.200×64"), "Γ·(1 − q) bounds the other types: \(r.stderr)")
    }

    @Test func helpExplainsOverlays() throws {
        let r = try Simctl.run(["mine", "--help"])
        #expect(r.status == 0)
        for word in ["--overlay", "MINER_OVERLAY", "perTypeCap", "maxProofs", "escortQPpm", "gammaCapMicro"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
    }
}
