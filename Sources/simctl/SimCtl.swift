import Foundation
import ArgumentParser
import MiningCore

/// `simctl`: the PoIES toolkit's command line. Each subcommand lives in its own file.
@main
struct SimCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simctl",
        abstract: "PoIES mining research and devnet toolkit.",
        discussion: """
            PoIES accepts a block when S = H(u) + Σψ ≥ Θ. simctl runs the simulator on scenario \
            files, inspects the consensus math, verifies proofs and benchmarks the miner.
            """,
        version: "0.1.0",
        subcommands: [
            Inspect.self,
            Bench.self,
            Verify.self,
            Prove.self,
            Mine.self,
            Getwork.self,
            Report.self,
            Export.self,
            Merge.self,
            Compare.self,
            Sweep.self,
            Run.self,
        ]
    )

    /// OpenSSL first (see `OpenSSLProcess.skipCleanupAtExit`), then the usual parse-and-run, then
    /// `_exit` instead of `exit`.
    ///
    /// Why `_exit`: the process returns from an async main on a cooperative-pool thread, and
    /// `exit` then runs OpenBLAS's destructor, whose `blas_thread_shutdown_` joins its worker
    /// threads; under load one of them can sit in a wait nobody signals, and `simctl mine --blocks
    /// N` hung after printing its `stop` line (gdb: `_dl_call_fini → gotoblas_quit →
    /// blas_thread_shutdown_ → pthread_join`; 1 in ~10 runs with the CPUs busy). Nothing needs the
    /// destructors: stdio is flushed here, files are written through unbuffered handles or closed,
    /// and SQLite's committed transactions are durable (the store is SIGKILL-tested).
    static func main() async {
        OpenSSLProcess.skipCleanupAtExit()
        var code: Int32 = 0
        do {
            var command = try parseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let exit = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let out = exit == .success ? FileHandle.standardOutput : FileHandle.standardError
                out.write(Data((message + "\n").utf8))
            }
            code = exit.rawValue
        }
        fflush(nil)
        _exit(code)
    }
}
