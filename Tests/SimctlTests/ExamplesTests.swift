import Foundation
import Testing
import TestSupport

/// The README tour's commands on the files shipped in `Examples/`: each exits 0 and prints one
/// JSON object, so the tour works as written on a fresh clone.
@Suite struct ExamplesTests {
    static let commands: [[String]] = [
        ["inspect", "udraw", "--template", "Examples/T.json", "--nonce", "0x1c47a56a5749f4162adf44ae3845e927"],
        ["inspect", "credit", "--proofs", "Examples/proofs.json"],
        ["inspect", "select", "--theta", "9000000", "--candidates", "Examples/pool.json"],
        ["inspect", "retarget", "--rule", "asert-v1", "--theta0", "2000000", "--intervals", "Examples/dts.json"],
    ]

    @Test(arguments: commands) func tourCommandRunsOnItsExample(args: [String]) throws {
        let out = try Simctl.run(args)
        #expect(out.status == 0, "\(args.joined(separator: " ")): \(out.stderr)")
        let lines = out.stdout.split(separator: "\n")
        #expect(lines.count == 1, "\(out.stdout)")
        #expect((try? JSONSerialization.jsonObject(with: Data((lines.first ?? "").utf8))) is [String: Any])
    }

    /// The README's tour lists these very commands (with the Examples/ paths).
    @Test func readmeUsesTheShippedExamples() throws {
        let readme = try String(contentsOf: ProjectPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        for name in ["T.json", "proofs.json", "pool.json", "dts.json"] {
            #expect(readme.contains("Examples/\(name)"), "README does not point at Examples/\(name)")
            #expect(FileManager.default.fileExists(atPath: ProjectPaths.root.appendingPathComponent("Examples/\(name)").path))
        }
    }
}
