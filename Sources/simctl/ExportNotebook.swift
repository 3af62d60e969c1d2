import ArgumentParser
import Foundation
import MiningCore
import PoIESSim

/// `simctl export notebook DIR`: writes `DIR/analysis.ipynb`.
struct ExportNotebook: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Write DIR/analysis.ipynb: pandas + matplotlib versions of the report's charts.",
        discussion: """
            For a sweep folder (runs.csv, aggregate.csv, sweep.json) the notebook draws the sweep \
            report's panels (metric mean and 95% CI per combination) and the aggregate table. \
            The notebook (nbformat 4) loads blocks.csv, miners.csv and summary.json by relative \
            path, so run it with DIR as the working directory, e.g. \
            `cd DIR && jupyter nbconvert --to html --execute analysis.ipynb`. It needs python3 with \
            pandas and matplotlib; `make notebook-check` executes one in a project-local .venv.
            """
    )

    @Argument(help: "A run folder holding blocks.csv, miners.csv and summary.json, or a sweep folder holding runs.csv.")
    var dir: String

    @Option(name: .customLong("metric"), help: "Sweep folder: a metric to chart (repeatable; default as `simctl report`).")
    var metrics: [String] = []

    func run() throws {
        let url = URL(fileURLWithPath: dir)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw CLI.fail("DIR", "folder '\(dir)' does not exist")
        }
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent(RunOutputs.blocksFile).path), SweepFolder.isSweep(url) {
            do {
                let out = try SweepNotebookExport.write(directory: url, metrics: metrics)
                CLI.printJSON(["notebook": .string(out.path), "nbformat": 4])
            } catch let e as SweepReportError {
                throw CLI.fail("--metric", e.description)
            } catch let e as RunOutputsError {
                throw CLI.fail("DIR", e.description)
            } catch {
                throw CLI.fail("DIR", "\(error)")
            }
            return
        }
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent(RunOutputs.blocksFile).path) else {
            throw CLI.fail("DIR", "no \(RunOutputs.blocksFile) in '\(dir)' (run `simctl run … --out DIR` first)")
        }
        do {
            let out = try NotebookExport.write(directory: url)
            CLI.printJSON(["notebook": .string(out.path), "nbformat": 4])
        } catch {
            throw CLI.fail("DIR", "cannot write '\(url.appendingPathComponent(RunOutputs.notebookFile).path)'")
        }
    }
}
