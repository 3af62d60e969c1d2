import Foundation

/// Locates the project's checked copies of the spec and vectors (and `../shared` when present).
///
/// Tests read files relative to this source file so they work from any working directory and on a
/// fresh clone without `../shared`.
public enum ProjectPaths {
    /// The package root (the folder holding Package.swift).
    public static let root: URL = {
        URL(fileURLWithPath: #filePath)  // …/Tests/TestSupport/Vectors.swift
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()
    public static let vectors = root.appendingPathComponent("Tests/Vectors")
    public static let spec = root.appendingPathComponent("docs/spec")
    /// `../shared` beside the checkout, when it exists.
    public static var shared: URL? {
        let u = root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }
}

/// One runner for every vector file (like swift-crypto's Wycheproof helper): decodes `cases`.
public struct VectorFile<Case: Decodable>: Decodable {
    public let about: String?
    public let cases: [Case]

    public static func load(_ name: String) throws -> VectorFile<Case> {
        let url = ProjectPaths.vectors.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        return try JSONDecoder().decode(VectorFile<Case>.self, from: data)
    }
}

/// Raw JSON of a vector file, for tests that need the untyped tree (e.g. templates).
public func loadVectorJSON(_ name: String) throws -> Any {
    let data = try Data(contentsOf: ProjectPaths.vectors.appendingPathComponent(name))
    return try JSONSerialization.jsonObject(with: data)
}

