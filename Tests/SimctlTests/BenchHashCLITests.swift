import Foundation
import Testing
import TestSupport

/// `simctl bench hash` end to end: bad flags fail in one line; a short run prints one JSON object.
@Suite struct BenchHashCLITests {
    @Test func nonPositiveSecondsFailsNamingTheFlag() throws {
        let r = try Simctl.run(["bench", "hash", "--seconds", "0"])
        #expect(r.status != 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("--seconds"))
        let k = try Simctl.run(["bench", "hash", "--kernel", "avx9000"])
        #expect(k.status != 0 && k.stderr.contains("--kernel"))
    }

    @Test func shortRunPrintsOneJSONObjectWithRatios() throws {
        let r = try Simctl.run(["bench", "hash", "--seconds", "0.2", "--json"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["singleThreadPerSec", "allThreadsPerSec", "opensslOneShotPerSec", "opensslReusedCtxPerSec",
                    "singleOverOpenSSL", "allOverSingle"] {
            let v = try #require(obj[key] as? Double, "\(key)")
            #expect(v > 0, "\(key)")
        }
    }
}
