import ArgumentParser
import Devnet
import Dispatch
import Foundation
import Logging
import MiningCore
import Synchronization
import Verifiers

#if canImport(Glibc)
import Glibc
#endif

/// `simctl mine`: runs a devnet node with the built-in CPU miner, JSON-RPC/WebSocket getwork
/// and Prometheus metrics. Every flag has an environment variable (the flag wins).
struct Mine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mine",
        abstract: "Run a devnet node and mine blocks locally (CPU miner + local proofs).",
        discussion: """
            Blocks are validated in full, stored in SQLite under --data-dir (one transaction per \
            block) and printed as one JSON line each once they are durable ({"event":"block",…}); \
            a human-readable log goes to stderr. A restart resumes from the stored head. \
            SIGINT/SIGTERM stop cleanly.

            The chain — id, genesis, target interval, Θ₀ and bounds, policy and retarget rule — is \
            a chain document (spec §6.3): --chain FILE, default the built-in v1.1 devnet \
            (docs/spec/devnet-chain.toml: 2 s blocks, asert-v1, Θ from 2 up to at most 64 nats). \
            Θ starts low and climbs by about 0.03 nats a block while blocks come faster than the \
            target, so the first few hundred blocks are fast; then they settle near the target. \
            A data dir remembers its chain document and refuses another one.

            Environment variables (used when the flag is absent): DATA_DIR, CHAIN_FILE, MINER_THREADS, \
            MINER_PROOFS, RPC_LISTEN, STRATUM_LISTEN, TEMPLATE_REFRESH, MINER_CONNECT, \
            MINER_BLOCKS, MINER_VDF_T, MINER_AI_MACS, MINER_QUANTUM_SHOTS, MINER_STORAGE_MIB, \
            MINER_COINBASE, MINER_MAX_HASHRATE, MINER_OVERLAY, LOG_LEVEL.

            Local proofs carry real weight: the default AI job (3·2^20 multiply-adds) is credited \
            3 nats of Θ (e^3 ≈ 20× less hash work per block) and takes a few ms; the block log \
            line and each block event show the split (H, Σψ and each type's ψ).

            Endpoints on --rpc: POST /rpc (JSON-RPC 2.0), GET /openrpc, GET /metrics, WebSocket /ws.

            A selection overlay (--overlay FILE, TOML) makes this miner attach less than the network \
            policy allows: gammaCapMicro (Γ), escortQPpm (escort q) and, per [types.AI|QUANTUM|STORAGE|VDF|HASHSHARE], \
            perProofCap, perTypeCap and maxProofs, each at most the network's (escortQPpm at least). \
            A looser value, or any other key, is refused at start with FILE:LINE. A node selects its \
            jobs' proofs under the overlay; an external miner (--connect) submits only proofs that \
            keep what the node holds for it within the overlay. Blocks are credited by the network \
            policy either way.
            """
    )

    @Option(name: .customLong("data-dir"), help: "Chain database directory (env DATA_DIR; default ./devnet-data).")
    var dataDir: String?

    @Option(help: "CPU miner threads; 0 = do not mine locally (env MINER_THREADS; default: all cores).")
    var threads: Int?

    @Option(help: "Local proofs to attach, comma-separated from ai, quantum, storage, vdf, or none (env MINER_PROOFS; default ai,vdf for a node, none with --connect, where each proof is submitted on the miner's session for its own jobs).")
    var proofs: String?

    @Option(help: "JSON-RPC/WebSocket/metrics listen address HOST:PORT, or off (env RPC_LISTEN; default 127.0.0.1:8545).")
    var rpc: String?

    @Option(help: "Stratum listen address HOST:PORT, or off (env STRATUM_LISTEN; default off).")
    var stratum: String?

    @Option(name: .customLong("template-refresh"), help: "Seconds between template refreshes on an unchanged head (env TEMPLATE_REFRESH; default 5).")
    var templateRefresh: Double?

    @Option(help: "Chain document (TOML, spec §6.3) to run (env CHAIN_FILE; default: the built-in v1.1 devnet chain).")
    var chain: String?

    @Option(name: .customLong("chain-id"), help: .hidden)
    var chainId: String?

    @Option(help: "Mine for another node: stratum+tcp://HOST:PORT or ws://HOST:PORT/ws (env MINER_CONNECT).")
    var connect: String?

    @Option(help: "Stop once the best chain has grown by this many blocks (env MINER_BLOCKS; default: run until stopped).")
    var blocks: Int?

    @Option(name: .customLong("vdf-t"), help: "VDF squarings per block proof, 256 … vdfMaxT (env MINER_VDF_T; default 4096).")
    var vdfT: UInt64?

    @Option(name: .customLong("ai-macs"), help: "AI job size in multiply-adds per block proof; ψ ≈ macs/2^20 nats up to the AI cap (env MINER_AI_MACS; default 3145728).")
    var aiMacs: UInt64?

    @Option(name: .customLong("quantum-shots"), help: "Quantum shots per circuit, 1 … 1000000 (env MINER_QUANTUM_SHOTS; default 1024).")
    var quantumShots: UInt64?

    @Option(name: .customLong("storage-mib"), help: "Storage sector size in MiB, created once as DATA_DIR/sector.bin, 1 … 65536 (env MINER_STORAGE_MIB; default 1).")
    var storageMiB: Int?

    @Option(help: "Coinbase text of the templates (env MINER_COINBASE; default devnet-miner).")
    var coinbase: String?

    @Option(name: .customLong("max-hashrate"),
            help: "Cap the CPU miner (local, or --connect) at this many nonces/s, all threads together (env MINER_MAX_HASHRATE; default: no cap). Not needed to reach the target interval: the chain's retarget raises Θ to match any hash rate up to e^64 per block.")
    var maxHashrate: Double?

    @Option(help: "Selection overlay (TOML): local caps, Γ, escort q and maxProofs tighter than the network policy's, for the proofs this miner attaches (with --connect: submits). A looser one is refused naming FILE:LINE and the key (env MINER_OVERLAY; default: none).")
    var overlay: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        func pick<T>(_ flag: T?, _ name: String, _ envName: String, _ parse: (String) -> T?, _ expected: String, _ def: T) throws -> T {
            if let flag { return flag }
            guard let raw = env[envName], !raw.isEmpty else { return def }
            guard let v = parse(raw) else { throw CLI.fail("\(envName) (--\(name))", "expected \(expected), got '\(raw)'") }
            return v
        }
        let dataDir = try pick(self.dataDir, "data-dir", "DATA_DIR", { $0 }, "a directory", "./devnet-data")
        let threads = try pick(self.threads, "threads", "MINER_THREADS", { Int($0) }, "an integer ≥ 0",
                               ProcessInfo.processInfo.activeProcessorCount)
        guard threads >= 0 else { throw CLI.fail("--threads", "expected an integer ≥ 0, got \(threads)") }
        let connect = try pick(self.connect, "connect", "MINER_CONNECT", { $0 }, "a URL", "")
        // An external miner brings proofs only when asked: the node makes its own VDF, AI, …
        let proofs = try pick(self.proofs, "proofs", "MINER_PROOFS", { $0 }, "a list", connect.isEmpty ? "ai,vdf" : "none")
        // An external miner's dev keys are its own (per process), so its nullifiers never
        // collide with the node's or another miner's.
        let keySuffix = connect.isEmpty ? "" : ":" + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) }, prefix: false)
        let rpc = try pick(self.rpc, "rpc", "RPC_LISTEN", { $0 }, "HOST:PORT", "127.0.0.1:8545")
        let stratum = try pick(self.stratum, "stratum", "STRATUM_LISTEN", { $0 }, "HOST:PORT", "off")
        let refresh = try pick(self.templateRefresh, "template-refresh", "TEMPLATE_REFRESH", { Double($0) }, "seconds", 5)
        guard refresh.isFinite, refresh > 0, refresh <= 3600 else { throw CLI.fail("--template-refresh", "expected seconds in (0, 3600], got \(refresh)") }
        if self.chainId != nil || env["CHAIN_ID"].map({ !$0.isEmpty }) == true {
            throw CLI.fail(self.chainId != nil ? "--chain-id" : "CHAIN_ID",
                           "the chain id is part of the chain document now: write chainId in a chain file and pass --chain FILE (see simctl inspect chain devnet)")
        }
        let chainFile = try pick(self.chain, "chain", "CHAIN_FILE", { $0 }, "a file", "")
        let spec: ChainSpec
        do {
            spec = chainFile.isEmpty ? .devnet : try ChainFile.load(chainFile)
        } catch {
            throw CLI.fail("--chain", "\(error)")
        }
        // Read once, before anything binds: a bad overlay is a start-up error, not a run-time one.
        let overlayFile = try pick(self.overlay, "overlay", "MINER_OVERLAY", { $0 }, "a file", "")
        var selectionCaps: CapsPolicy?
        if !overlayFile.isEmpty {
            do { selectionCaps = try OverlayFile.load(overlayFile, policy: spec.policy) } catch { throw CLI.fail("--overlay", "\(error)") }
        }
        let blocks = try pick(self.blocks, "blocks", "MINER_BLOCKS", { Int($0) }, "an integer ≥ 0", -1)
        let vdfT = try pick(self.vdfT, "vdf-t", "MINER_VDF_T", { UInt64($0) }, "an integer", 4096)
        let aiMacs = try pick(self.aiMacs, "ai-macs", "MINER_AI_MACS", { UInt64($0) }, "an integer", AIProofProvider.defaultMacs)
        guard (1...(UInt64(1) << 34)).contains(aiMacs) else { throw CLI.fail("--ai-macs", "expected 1 … 2^34 multiply-adds, got \(aiMacs)") }
        let shots = try pick(self.quantumShots, "quantum-shots", "MINER_QUANTUM_SHOTS", { UInt64($0) }, "an integer", 1024)
        guard (1...1_000_000).contains(shots) else { throw CLI.fail("--quantum-shots", "expected 1 … 1000000, got \(shots)") }
        let storageMiB = try pick(self.storageMiB, "storage-mib", "MINER_STORAGE_MIB", { Int($0) }, "an integer", 1)
        guard (1...65536).contains(storageMiB) else { throw CLI.fail("--storage-mib", "expected 1 … 65536 MiB, got \(storageMiB)") }
        let coinbase = try pick(self.coinbase, "coinbase", "MINER_COINBASE", { $0 }, "text", "devnet-miner")
        let maxHashrate = try pick(self.maxHashrate, "max-hashrate", "MINER_MAX_HASHRATE", { Double($0) }, "nonces per second", 0)
        guard maxHashrate.isFinite, maxHashrate >= 0 else {
            throw CLI.fail("--max-hashrate", "expected a positive number of nonces per second, got \(maxHashrate)")
        }

        var providers: [any ProofProvider] = []
        for name in proofs.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            switch name {
            case "none": continue
            case "vdf":
                guard vdfT >= Wesolowski.minT, vdfT <= UInt64(Policy.devnet.vdfMaxT) else {
                    throw CLI.fail("--vdf-t", "expected \(Wesolowski.minT) … \(Policy.devnet.vdfMaxT), got \(vdfT)")
                }
                providers.append(VDFProofProvider(T: vdfT))
            case "ai": providers.append(AIProofProvider(macs: aiMacs, keyName: "ai-provider" + keySuffix))
            case "quantum": providers.append(QuantumProofProvider(shots: shots, keyName: "quantum-provider" + keySuffix))
            case "storage":
                // An external miner's sector is its own file and key (the node's is sector.bin).
                let path = (dataDir as NSString).appendingPathComponent(connect.isEmpty ? "sector.bin" : "external-sector.bin")
                do {
                    try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
                    providers.append(try StorageProofProvider(path: path, leafCount: storageMiB * 256,
                                                              key: Ed25519.PrivateKey(devName: connect.isEmpty ? "storage-provider" : "storage-provider:external")))
                } catch {
                    throw CLI.fail("--proofs", "storage needs a sector file at \(path): \(error)")
                }
            default:
                throw CLI.fail("--proofs", "expected a comma-separated list of ai, quantum, storage, vdf, or none; got '\(name)'")
            }
        }
        if !connect.isEmpty {
            guard (try? ExternalMiner.Endpoint(url: connect)) != nil else {
                throw CLI.fail("--connect", "expected stratum+tcp://HOST:PORT or ws://HOST:PORT/ws, got '\(connect)'")
            }
            try await Self.runClient(url: connect, threads: max(1, threads), maxHashesPerSecond: maxHashrate > 0 ? maxHashrate : nil,
                                     providers: providers, selectionCaps: selectionCaps)
            return
        }
        var stratumAddress: (String, Int)?
        if stratum != "off" {
            guard let a = Self.hostPort(stratum) else { throw CLI.fail("--stratum", "expected HOST:PORT (port 0…65535) or off, got '\(stratum)'") }
            stratumAddress = a
        }
        var rpcAddress: (String, Int)?
        if rpc != "off" {
            guard let a = Self.hostPort(rpc) else { throw CLI.fail("--rpc", "expected HOST:PORT (port 0…65535) or off, got '\(rpc)'") }
            rpcAddress = a
        }

        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return h
        }
        let logger = Logger(label: "simctl.mine")
        let config = ChainConfig(spec: spec)
        let node: DevnetNode
        do {
            node = try DevnetNode(config: config, dataDir: dataDir,
                                  options: NodeOptions(coinbase: coinbase, templateRefresh: .milliseconds(Int64(refresh * 1000)),
                                                       selectionCaps: selectionCaps),
                                  providers: providers, logger: Logger(label: "devnet.node"))
        } catch {
            if let e = error as? BlockStoreError, case .wrongChain = e { throw CLI.fail("--chain", "\(e)") }
            if let e = error as? BlockStoreError, case .locked = e { throw CLI.fail("--data-dir", "\(e)") }
            throw CLI.fail("--data-dir", "cannot open the chain database in '\(dataDir)': \(error)")
        }
        let head = await node.head
        CLI.printJSON(["event": "start", "chainId": .int(Int64(config.chainId)), "chainRoot": .string(Hex.encode(config.document.root)),
                       "rule": .string(config.document.retarget.ruleName), "targetBlockMs": .int(config.document.targetBlockMs),
                       "dataDir": .string(dataDir),
                       "height": .int(Int64(head.height)), "head": .string(Hex.encode(head.hash)),
                       "thetaMicro": .int(head.nextTheta), "threads": .int(Int64(threads)),
                       "proofs": .array(providers.map { .string($0.type.nullifierName) })])
        fflush(nil)
        logger.info("devnet node started", metadata: ["height": "\(head.height)", "dataDir": "\(dataDir)", "threads": "\(threads)"])
        if let c = selectionCaps, !overlayFile.isEmpty {
            let typeCaps = ProofType.allCases.map { "\($0.nullifierName) \(Self.nats(c.effectiveTypeCap($0), digits: 3))×\(c.maxProofs[$0])" }
            logger.info("selection overlay \(overlayFile): Γ \(Self.nats(c.gammaCapMicro, digits: 3)), q \(c.escortQPpm) ppm, type caps \(typeCaps.joined(separator: ", "))")
        }

        let events = await node.chainEvents()
        await node.start()
        let miner = threads > 0 ? LocalMiner(node: node, threads: threads, maxHashesPerSecond: maxHashrate > 0 ? maxHashrate : nil) : nil

        // One per-address record (caps, offences, bans) for the WebSocket and Stratum endpoints.
        let peers = PeerRegistry()
        var server: RunningHTTPServer?
        if let (host, port) = rpcAddress {
            let rpcLogger = Logger(label: "devnet.rpc")
            let app = DevnetHTTPServer.makeApplication(rpc: DevnetRPC(node: node, peers: peers), host: host, port: port, logger: rpcLogger) { bound in
                CLI.printJSON(["event": "listening", "rpc": .string("http://\(host):\(bound)/rpc"), "ws": .string("ws://\(host):\(bound)/ws"),
                               "metrics": .string("http://\(host):\(bound)/metrics")])
                fflush(nil)
            }
            server = RunningHTTPServer(app, logger: rpcLogger)
        }
        var stratumServer: StratumServer?
        if let (host, port) = stratumAddress {
            do {
                stratumServer = try await StratumServer.bind(
                    provider: node, configuration: .init(host: host, port: port), peers: peers,
                    metrics: StratumMetrics(factory: node.metrics.factory), logger: Logger(label: "devnet.stratum"))
            } catch {
                throw CLI.fail("--stratum", "cannot listen on \(host):\(port): \(error)")
            }
            CLI.printJSON(["event": "listening", "stratum": .string("stratum+tcp://\(host):\(stratumServer!.localAddress.port ?? port)")])
            fflush(nil)
        }
        await withTaskGroup(of: Void.self) { group in
            if let stratumServer {
                group.addTask {
                    do { try await stratumServer.run() } catch is CancellationError {} catch { logger.error("stratum server stopped", metadata: ["error": "\(error)"]) }
                    _ = await Self.waitForSignal()  // keep running until stopped
                }
            }
            group.addTask {
                // Counted as growth of the best chain, not head events: a sibling at the same
                // height can become head (a reorg), and a user asking for N blocks wants N heights.
                let startHeight = await node.head.height
                for await e in events where e.isHead {
                    let r = e.record
                    var psiByType: [String: Int64] = [:]
                    for p in e.proofs { psiByType[p.type.nullifierName, default: 0] += p.creditedMicro }
                    CLI.printJSON(["event": "block", "height": .int(Int64(r.height)), "hash": .string(Hex.encode(r.hash)),
                                   "thetaMicro": .int(r.thetaMicro), "hMicro": .int(r.h), "psiMicro": .int(r.psiMicro),
                                   "psiByType": .object(psiByType.mapValues { .int($0) }), "time": .int(Int64(r.time)),
                                   "proofs": .array(r.proofTypes.map { .string($0.nullifierName) }), "intervalMs": .int(e.intervalMs),
                                   "source": .string(e.source.rawValue), "sealedHere": .bool(e.sealedHere),
                                   "extranonce1": .string(String(format: "0x%08x", e.extranonce1))])
                    fflush(nil)
                    let split = e.proofs.sorted { $0.type.nullifierName < $1.type.nullifierName }.map { "\($0.type.nullifierName) \(Self.nats($0.creditedMicro, digits: 3))" }.joined(separator: ", ")
                    logger.info("block \(r.height) \(Hex.encode(r.hash.prefix(6)))… Θ=\(Self.nats(r.thetaMicro, digits: 3)) H=\(Self.nats(r.h, digits: 3)) Σψ=\(Self.nats(r.psiMicro, digits: 3))\(split.isEmpty ? "" : " (\(split))") +\(e.intervalMs)ms via \(e.source.rawValue)")
                    if blocks >= 0, r.height >= startHeight + UInt64(blocks) { return }
                }
            }
            group.addTask {
                let signal = await Self.waitForSignal()
                if signal != "cancel" { logger.info("received \(signal), stopping") }
            }
            if blocks != 0 { _ = await group.next() }
            group.cancelAll()
        }
        miner?.stop()
        await server?.shutdown()
        await node.stop()
        let final = await node.head
        CLI.printJSON(["event": "stop", "height": .int(Int64(final.height)), "head": .string(Hex.encode(final.hash))])
        fflush(nil)
    }

    /// Client mode: the CPU miner works for the node at `url`; one JSON line per event. A dropped
    /// connection or a node that is down is retried with capped, jittered exponential backoff
    /// (0.5 s doubling to 10 s), so a restarted node gets its miner back without a manual step;
    /// SIGINT/SIGTERM stop it cleanly.
    static func runClient(url: String, threads: Int, maxHashesPerSecond: Double?, providers: [any ProofProvider] = [],
                          selectionCaps: CapsPolicy? = nil) async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                var backoff = 0.5
                var attempt = 0
                while !Task.isCancelled {
                    attempt += 1
                    let gotWork = OnceFlag()
                    let thisAttempt = attempt
                    do {
                        try await ExternalMiner.run(url: url, threads: threads, maxHashesPerSecond: maxHashesPerSecond,
                                                    providers: providers, selectionCaps: selectionCaps) { e in
                            var o: [String: JSONValue]
                            switch e {
                            case .connected(let e1):
                                o = ["event": "connected", "url": .string(url), "extranonce1": .string(String(format: "0x%08x", e1)),
                                     "attempt": .int(Int64(thisAttempt))]
                            case .job(let id, let t, let proofs, let own):
                                gotWork.set()
                                o = ["event": "job", "jobId": .string(id), "tShareMicro": .int(t)]
                                if !proofs.isEmpty { o["proofs"] = .array(proofs.map(JSONValue.string)) }
                                if !own.isEmpty { o["own"] = .array(own.map(\.json)) }
                            case .share(let id, let verdict):
                                o = ["event": "share", "jobId": .string(id), "verdict": .string("\(verdict)")]
                            case .proof(let type, let nullifier, let verdict):
                                o = ["event": "proof", "type": .string(type.wireId), "nullifier": .string(Hex.encode(nullifier))]
                                switch verdict {
                                case .held(let psi): o["held"] = true; o["psiRawMicro"] = .int(psi)
                                case .refused(let code, let message): o["held"] = false; o["code"] = .int(Int64(code)); o["message"] = .string(message)
                                }
                            case .proofFailed(let type, let error):
                                o = ["event": "proofFailed", "type": .string(type.wireId), "error": .string(error)]
                            case .proofSkipped(let type, let nullifier, let reason):
                                o = ["event": "proofSkipped", "type": .string(type.wireId), "nullifier": .string(Hex.encode(nullifier)),
                                     "reason": .string(reason)]
                            }
                            // Milliseconds since the miner started: how long each job was mined.
                            o["elapsedMs"] = .int(Int64((ContinuousClock.now - started) / .milliseconds(1)))
                            CLI.printJSON(.object(o))
                            fflush(nil)
                        }
                    } catch {
                        if Task.isCancelled { return }
                        if gotWork.isSet { backoff = 0.5 }
                        let wait = backoff * Double.random(in: 0.75...1.25)
                        CLI.printJSON(["event": "disconnected", "url": .string(url), "error": .string("\(error)"),
                                       "retryInSeconds": .double((wait * 100).rounded() / 100)])
                        fflush(nil)
                        FileHandle.standardError.write(Data("simctl: --connect: \(error); retrying in \(String(format: "%.1f", wait)) s\n".utf8))
                        try? await Task.sleep(for: .seconds(wait))
                        backoff = min(10, backoff * 2)
                        continue
                    }
                    if Task.isCancelled { return }
                }
            }
            group.addTask { _ = await Self.waitForSignal() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    static func nats(_ micro: Int64, digits: Int = 6) -> String { String(format: "%.\(digits)f", Double(micro) / 1e6) }

    static func hostPort(_ s: String) -> (String, Int)? {
        guard let i = s.lastIndex(of: ":") else { return nil }
        let host = String(s[..<i]), portText = s[s.index(after: i)...]
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port) else { return nil }
        return (host, port)
    }

    /// Waits for SIGINT or SIGTERM (a DispatchSource; the default handlers are disabled).
    static func waitForSignal() async -> String {
        let fired = SignalOnce()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (cont: CheckedContinuation<String, Never>) in
                fired.set(cont)
                for (sig, name) in [(SIGINT, "SIGINT"), (SIGTERM, "SIGTERM")] {
                    signal(sig, SIG_IGN)
                    let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                    src.setEventHandler { fired.fire(name) }
                    src.resume()
                    fired.retain(src)
                }
            }
        } onCancel: {
            fired.fire("cancel")
        }
    }
}

/// A flag set from a `@Sendable` callback and read after it.
final class OnceFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Resumes a continuation once, whichever signal arrives first, and keeps the sources alive.
final class SignalOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var cont: CheckedContinuation<String, Never>?
    private var firedName: String?
    private var sources: [any DispatchSourceSignal] = []
    /// Installs the continuation (resumed at once if a signal or cancellation came first).
    func set(_ c: CheckedContinuation<String, Never>) {
        lock.lock()
        if let n = firedName { lock.unlock(); c.resume(returning: n); return }
        cont = c
        lock.unlock()
    }
    func retain(_ s: any DispatchSourceSignal) { lock.lock(); sources.append(s); lock.unlock() }
    func fire(_ name: String) {
        lock.lock()
        if firedName == nil { firedName = name }
        let c = cont
        cont = nil
        lock.unlock()
        c?.resume(returning: name)
    }
}
