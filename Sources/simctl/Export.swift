import ArgumentParser

/// `simctl export …`: artefacts derived from a run folder for other tools.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a run folder for other tools (a Jupyter notebook).",
        subcommands: [ExportNotebook.self]
    )
}
