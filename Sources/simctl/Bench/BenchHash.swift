import ArgumentParser
import Foundation
import MiningCore

/// `simctl bench hash`: the u-draw scanner's hash rate next to OpenSSL's SHA3-512 in the same run.
///
/// SHA3-512 of a 64-byte message is one Keccak-f[1600] permutation, the same work as one nonce
/// (the scanner's midstate leaves one permutation per draw), so the ratio compares the two
/// permutation implementations plus their per-call overheads. OpenSSL and the single-thread
/// scanner are measured in alternating slices so both see the same machine load.
struct BenchHash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Nonce-scanner hash rate (1 thread and all threads) against OpenSSL SHA3-512.",
        discussion: """
            Prints a table, or one JSON object with --json. Rates are hashes per second; \
            ratios: single/OpenSSL (the faster of EVP_Digest one-shot and a reused context) and \
            all/single. Targets are set so nothing is ever found: the loop is pure hashing.
            """
    )

    @Option(help: "Seconds to measure each of: OpenSSL, one thread, all threads (> 0).")
    var seconds: Double = 2

    @Option(help: "Threads for the all-thread run (default: every active core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Hot-loop kernel: \(NonceScan.Kernel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kernel: String = NonceScan.Kernel.default.rawValue

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func run() throws {
        guard seconds.isFinite, seconds > 0 else { throw CLI.fail("--seconds", "a positive number of seconds") }
        guard threads >= 1 else { throw CLI.fail("--threads", "a positive thread count") }
        guard let kernel = NonceScan.Kernel(rawValue: kernel) else {
            throw CLI.fail("--kernel", "one of \(NonceScan.Kernel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard kernel.isAvailable else {
            throw CLI.fail("--kernel", "a kernel this CPU runs (\(kernel.rawValue) needs AVX-512 F/CD/BW/DQ/VL; try scalar)")
        }

        let signBytes = (0 ..< UDrawMidstate.signBytesCount).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
        let mixSeed = (0 ..< UDrawMidstate.mixSeedCount).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }
        let midstate = try! UDrawMidstate(signBytes: signBytes, mixSeed: mixSeed, extranonce1: 0)
        // x ≤ 0 only for a zero digest half: in effect never, so every nonce is pure hashing.
        let zero = ScanTarget(w0: 0, w1: 0, w2: 0, w3: 0)
        let targets = ScanTargets(share: zero, block: nil)

        // OpenSSL (both call styles) and the single-thread scanner, interleaved.
        let oneShot = SHA3_512Baseline(mode: .oneShot)
        let reused = SHA3_512Baseline(mode: .reusedContext)
        var tOneShot = Duration.zero, nOneShot = 0
        var tReused = Duration.zero, nReused = 0
        var tSingle = Duration.zero, nSingle: UInt64 = 0
        let clock = ContinuousClock()
        let slice = Duration.milliseconds(200)
        let total = Duration.seconds(seconds)
        var counter: UInt64 = 0
        var sink = 0
        while tSingle < total || tReused < total || tOneShot < total {
            tOneShot += time(clock, slice) { sink &+= Int(oneShot.run(iterations: 2000)[0]); nOneShot += 2000 }
            tReused += time(clock, slice) { sink &+= Int(reused.run(iterations: 2000)[0]); nReused += 2000 }
            tSingle += time(clock, slice) {
                let hits = NonceScan.scanRange(
                    midstate, extranonce2: 0, counters: counter ..< counter + 8192, targets: targets, kernel: kernel)
                sink &+= hits.count
                counter += 8192
                nSingle += 8192
            }
        }

        // All threads through the real scanner (atomics, batches, callbacks).
        let scanner = NonceScanner(configuration: .init(threads: threads, kernel: kernel))
        scanner.submit(ScanWork(midstate: midstate, targets: targets))
        let h0 = scanner.hashCount
        let start = clock.now
        Thread.sleep(forTimeInterval: seconds)
        let h1 = scanner.hashCount
        let tAll = clock.now - start
        scanner.stop()

        let rOneShot = rate(UInt64(nOneShot), tOneShot)
        let rReused = rate(UInt64(nReused), tReused)
        let rOpenSSL = max(rOneShot, rReused)
        let rSingle = rate(nSingle, tSingle)
        let rAll = rate(h1 - h0, tAll)
        let cores = ProcessInfo.processInfo.activeProcessorCount

        if json {
            CLI.printJSON(.object([
                "bench": .string("hash"),
                "kernel": .string(kernel.rawValue),
                "threads": .int(Int64(threads)),
                "cores": .int(Int64(cores)),
                "seconds": .double(seconds),
                "opensslOneShotPerSec": .double(rOneShot.rounded()),
                "opensslReusedCtxPerSec": .double(rReused.rounded()),
                "singleThreadPerSec": .double(rSingle.rounded()),
                "allThreadsPerSec": .double(rAll.rounded()),
                "singleOverOpenSSL": .double(round3(rSingle / rOpenSSL)),
                "allOverSingle": .double(round3(rAll / rSingle)),
                "sink": .int(Int64(sink & 1)),
            ]))
        } else {
            print("u-draw scanner vs OpenSSL SHA3-512 (64-byte input = one Keccak-f[1600]); kernel \(kernel.rawValue), \(cores) cores")
            print(row("what", "hashes/s", "ratio"))
            print(row("OpenSSL EVP_Digest one-shot", fmt(rOneShot), ""))
            print(row("OpenSSL reused EVP_MD_CTX", fmt(rReused), ""))
            print(row("scanner, 1 thread", fmt(rSingle), String(format: "%.2f× OpenSSL", rSingle / rOpenSSL)))
            print(row("scanner, \(threads) threads", fmt(rAll), String(format: "%.2f× 1 thread", rAll / rSingle)))
        }
    }

    private func time(_ clock: ContinuousClock, _ atLeast: Duration, _ body: () -> Void) -> Duration {
        let start = clock.now
        repeat { body() } while clock.now - start < atLeast
        return clock.now - start
    }

    private func rate(_ n: UInt64, _ d: Duration) -> Double {
        let s = d.inSeconds
        return s > 0 ? Double(n) / s : 0
    }

    private func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    private func fmt(_ r: Double) -> String { String(format: "%.3f M", r / 1e6) }

    private func row(_ a: String, _ b: String, _ c: String) -> String {
        a.padding(toLength: 30, withPad: " ", startingAt: 0) + " " + b.padding(toLength: 12, withPad: " ", startingAt: 0) + " " + c
    }
}
