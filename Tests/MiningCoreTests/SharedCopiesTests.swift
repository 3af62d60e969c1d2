import Foundation
import Testing
import TestSupport

/// The project's copies of the spec and vectors must stay byte-identical to `../shared`, the
/// contract between miner, node and simulator. Skipped only where `../shared` does not exist.
@Suite struct SharedCopiesTests {
    static let vectorNames = [
        "asert.json", "caps.json", "chain.json", "h_of_x.json", "hashes.json", "nullifiers.json", "psi.json", "retarget.json",
        "share.json", "thresholds.json", "udraw.json", "vdf.json",
    ]

    @Test(arguments: vectorNames)
    func vectorCopyMatchesShared(name: String) throws {
        let copy = try Data(contentsOf: ProjectPaths.vectors.appendingPathComponent(name))
        #expect(!copy.isEmpty)
        guard let shared = ProjectPaths.shared else { return }
        let original = try Data(contentsOf: shared.appendingPathComponent("vectors/\(name)"))
        #expect(copy == original, "Tests/Vectors/\(name) differs from ../shared/vectors/\(name)")
    }

    @Test(arguments: ["POIES-v1.md", "devnet-policy.toml", "devnet-chain.toml"])
    func specCopyMatchesShared(name: String) throws {
        let copy = try Data(contentsOf: ProjectPaths.spec.appendingPathComponent(name))
        #expect(!copy.isEmpty)
        guard let shared = ProjectPaths.shared else { return }
        let original = try Data(contentsOf: shared.appendingPathComponent("spec/\(name)"))
        #expect(copy == original, "docs/spec/\(name) differs from ../shared/spec/\(name)")
    }

    @Test func everySharedSpecFileHasACopy() throws {
        guard let shared = ProjectPaths.shared else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("spec").path)
        #expect(Set(names) == ["POIES-v1.md", "devnet-policy.toml", "devnet-chain.toml"])
    }

    @Test func everySharedVectorHasACopy() throws {
        guard let shared = ProjectPaths.shared else { return }
        let names = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("vectors").path)
            .filter { $0.hasSuffix(".json") }
        #expect(Set(names) == Set(Self.vectorNames))
    }
}
