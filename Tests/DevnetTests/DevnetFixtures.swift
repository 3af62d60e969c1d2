import Devnet
import Foundation
import MiningCore
import Verifiers

/// Shared helpers for the devnet tests: temporary data directories, a fixed clock and a tiny
/// "miner" that seals a header by trying counters in order (deterministic).
enum Fixtures {
    /// A fresh empty directory under the system temp dir.
    static func tempDir(_ name: String = "devnet") -> String {
        let p = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        return p
    }

    /// A fixed wall clock (ms) well after genesis.
    static let now: UInt64 = 1_760_000_000_000

    /// The devnet chain document with other values of its keys (`["thetaMicro0": "6000000"]`).
    static func chain(_ values: [String: String]) -> ChainSpec {
        var text = ChainDocument.devnetTOML
        for (key, value) in values {
            let old = text.split(separator: "\n").first { $0.hasPrefix("\(key) = ") }!
            text = text.replacingOccurrences(of: String(old), with: "\(key) = \(value)")
        }
        return ChainSpec(document: try! ChainDocument(toml: text), policy: .devnet)
    }

    /// A chain document's TOML text on the devnet policy with `asert-v1` (the end-to-end tests
    /// write it to a file for `simctl mine --chain`).
    static func chainTOML(chainId: Int, targetBlockMs: Int, theta0Micro: Int64, halfLifeMs: Int = 8000) -> String {
        """
        version = 1
        chainId = \(chainId)
        genesisTimeMs = 1735689600000
        targetBlockMs = \(targetBlockMs)
        thetaMicro0 = \(theta0Micro)
        thetaMinMicro = 1000000
        thetaMaxMicro = 64000000
        policy = "devnet"

        [retarget]
        rule = "asert-v1"
        halfLifeMs = \(halfLifeMs)

        """
    }

    /// Devnet config with Θ₀ = `theta0`.
    static func config(theta0: Int64 = 2_000_000) -> ChainConfig {
        ChainConfig(spec: chain(["thetaMicro0": "\(theta0)"]))
    }

    /// The genesis context.
    static func genesisContext(_ config: ChainConfig) -> ParentContext {
        let g = BlockRecord.genesis(config)
        return ParentContext(parent: g, recentTimes: [g.time])
    }

    /// A VDF proof for a child of `parent` (small T so it is quick).
    static func vdf(parent: BlockRecord, T: UInt64 = 256, chainId: UInt32 = 1337) -> ProofEnvelope {
        VDFProof.prove(seed: parent.hash, T: T, modulus: VDFModuli.rsa2048).envelope(chainId: chainId)
    }

    /// The first counter (from `start`) whose draw satisfies `accept(H)`.
    static func nonce(for header: HeaderTemplate, extranonce1: UInt32 = 0, from start: UInt64 = 0, where accept: (Int64) -> Bool) -> Nonce {
        let sign = header.signBytes
        var c = start
        while true {
            let n = Nonce(extranonce1: extranonce1, extranonce2: 0, counter: c)
            if accept(UDraw.draw(signBytes: sign, nonce: n, mixSeed: header.nonceDomain.mixSeed).H) { return n }
            c += 1
        }
    }

    /// A valid block on `ctx` carrying `proofs`, sealed with the smallest counter meeting Θ − Σψ.
    static func mine(_ config: ChainConfig, _ ctx: ParentContext, proofs: [ProofEnvelope], time: UInt64? = nil) -> Block {
        let v = BlockValidator(config: config)
        let psi = (try? v.credit(proofs, ctx).get())?.reduce(Int64(0)) { $0 + $1.creditedMicro } ?? 0
        let header = TemplateBuilder.header(config: config, ctx: ctx, proofs: proofs, time: time ?? ctx.parent.time + 2000,
                                            coinbase: "test", templateId: "t-\(ctx.parent.height + 1)")
        let target = header.params.thetaMicro - psi
        return Block(header: header, nonce: nonce(for: header) { $0 >= target }, proofs: proofs)
    }
}
