import Foundation
import Testing
import TestSupport

/// `simctl inspect udraw|h|threshold|share` end to end: each success compared with a vector,
/// and each kind of bad input exits non-zero with one stderr line naming the option.
@Suite struct InspectUDrawMathTests {
    static func json(_ out: Simctl.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
    }

    /// Writes `text` to a fresh temporary file.
    static func tempFile(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("udraw-math-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func firstUDrawCase() throws -> [String: Any] {
        let root = try #require(try loadVectorJSON("udraw.json") as? [String: Any])
        return try #require((root["cases"] as? [[String: Any]])?.first)
    }

    /// Asserts a failure: non-zero exit, nothing on stdout, one stderr line mentioning `field`.
    func expectFailure(_ args: [String], field: String, stdin: String? = nil) throws {
        let out = try Simctl.run(args, stdin: stdin)
        #expect(out.status != 0, "\(args)")
        #expect(out.stdout.isEmpty, "\(args)")
        let lines = out.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(args): \(out.stderr)")
        #expect(out.stderr.contains(field), "\(args): \(out.stderr)")
    }

    @Test func udrawMatchesVector() throws {
        let c = try Self.firstUDrawCase()
        let template = try JSONSerialization.data(withJSONObject: try #require(c["template"]))
        let path = try Self.tempFile(String(decoding: template, as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try Simctl.run(["inspect", "udraw", "--template", path, "--nonce", try #require(c["nonce"] as? String)])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try Self.json(out)
        for key in ["signBytes", "templateHash", "keccak", "u", "blockHash"] {
            #expect(j[key] as? String == c[key] as? String, "\(key)")
        }
        #expect((j["H"] as? NSNumber)?.int64Value == (c["H"] as? NSNumber)?.int64Value)
        #expect(j.count == 6)
    }

    @Test func udrawReadsStdin() throws {
        let c = try Self.firstUDrawCase()
        let template = try JSONSerialization.data(withJSONObject: try #require(c["template"]))
        let out = try Simctl.run(["inspect", "udraw", "--template", "-", "--nonce", try #require(c["nonce"] as? String)],
                                 stdin: String(decoding: template, as: UTF8.self))
        #expect(try Self.json(out)["blockHash"] as? String == c["blockHash"] as? String)
    }

    @Test func udrawBadInput() throws {
        let nonce = "0x1c47a56a5749f4162adf44ae3845e927"
        try expectFailure(["inspect", "udraw", "--template", "/nonexistent/t.json", "--nonce", nonce], field: "--template")
        let malformed = try Self.tempFile("{\"chainId\": ")
        defer { try? FileManager.default.removeItem(atPath: malformed) }
        try expectFailure(["inspect", "udraw", "--template", malformed, "--nonce", nonce], field: "--template")

        var t = try #require(try Self.firstUDrawCase()["template"] as? [String: Any])
        t["parentHash"] = "0x1234"
        let badHash = try Self.tempFile(String(decoding: try JSONSerialization.data(withJSONObject: t), as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: badHash) }
        try expectFailure(["inspect", "udraw", "--template", badHash, "--nonce", nonce], field: "parentHash")

        let good = try #require(try Self.firstUDrawCase()["template"])
        let okPath = try Self.tempFile(String(decoding: try JSONSerialization.data(withJSONObject: good), as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: okPath) }
        try expectFailure(["inspect", "udraw", "--template", okPath, "--nonce", "0x1c47"], field: "--nonce")
        try expectFailure(["inspect", "udraw", "--template", okPath], field: "--nonce")
    }

    @Test func hMatchesVector() throws {
        let out = try Simctl.run(["inspect", "h", "--x", "0x83"])
        #expect(out.status == 0)
        #expect(out.stdout == "{\"H\":172562876}\n")
        let top = try Simctl.run(["inspect", "h", "--x", "0x0"])
        #expect(top.stdout == "{\"H\":177445678}\n")
    }

    @Test func hBadInput() throws {
        try expectFailure(["inspect", "h", "--x", "0x" + String(repeating: "f", count: 65)], field: "--x")
        try expectFailure(["inspect", "h", "--x", "0xzz"], field: "--x")
        try expectFailure(["inspect", "h", "--x", "83"], field: "--x")
        try expectFailure(["inspect", "h"], field: "--x")
    }

    @Test func thresholdMatchesVector() throws {
        let out = try Simctl.run(["inspect", "threshold", "--t", "1"])
        #expect(out.stdout == "{\"X\":\"0xfffff79c8452d43bd95e862d800b2d3a6bd2dc9f84c1071934fdf6ad6dc862c5\"}\n")
        let small = try Simctl.run(["inspect", "threshold", "--t", "39471339"])  // vector gives minimal hex
        #expect(small.stdout == "{\"X\":\"0x00000000000000" + "84f6dfb7904f4e23eac5469d6073da8a64351ba36b0150694c\"}\n")
        let none = try Simctl.run(["inspect", "threshold", "--t", "177445679"])
        #expect(none.stdout == "{\"X\":\"-1\"}\n")
    }

    @Test func thresholdBadInput() throws {
        try expectFailure(["inspect", "threshold", "--t", "-5"], field: "--t")
        try expectFailure(["inspect", "threshold", "--t", "1.5"], field: "--t")
        try expectFailure(["inspect", "threshold"], field: "--t")
    }

    @Test func shareMatchesVector() throws {
        let out = try Simctl.run(["inspect", "share", "--theta", "25897507", "--k", "1024"])
        #expect(out.stdout == "{\"tShare\":18966035}\n")
        let withH = try Simctl.run(["inspect", "share", "--theta", "25897507", "--k", "1024", "--h", "127934290"])
        #expect(withH.stdout == "{\"dRatioPpm\":4940023,\"tShare\":18966035}\n")
    }

    @Test func shareBadInput() throws {
        try expectFailure(["inspect", "share", "--theta", "-1", "--k", "4"], field: "--theta")
        try expectFailure(["inspect", "share", "--theta", "100", "--k", "0"], field: "--k")
        try expectFailure(["inspect", "share", "--theta", "100", "--k", "4", "--h", "-3"], field: "--h")
        try expectFailure(["inspect", "share", "--k", "4"], field: "--theta")
    }
}
