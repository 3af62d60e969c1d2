import Foundation
import Testing
import TestSupport

@Suite struct DevnetTestsLayout {
    @Test func vectorsFolderIsPresent() {
        #expect(FileManager.default.fileExists(atPath: ProjectPaths.vectors.appendingPathComponent("hashes.json").path))
    }
}
