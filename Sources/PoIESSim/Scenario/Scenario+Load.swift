import Foundation
import MiningCore

extension Scenario {
    /// The type names accepted in `[[providers]] type`.
    public static let providerTypeNames: [String: ProofType] = [
        "ai": .ai, "quantum": .quantum, "storage": .storage, "vdf": .vdf, "hashshare": .hashShare,
    ]

    /// Loads, overrides and validates a scenario file.
    public static func load(path: String, overrides: [ScenarioOverride] = []) throws(ScenarioError) -> Scenario {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ScenarioError(file: path, line: nil, keyPath: "", expected: exists ? "a readable file" : "an existing scenario file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, line: nil, keyPath: "", expected: "UTF-8 text")
        }
        return try parse(toml: text, file: path, overrides: overrides)
    }

    /// Parses, overrides and validates scenario text. `file` names it in errors and anchors
    /// relative policy paths.
    public static func parse(toml text: String, file: String, overrides: [ScenarioOverride] = []) throws(ScenarioError) -> Scenario {
        var tree = try TOMLTree.parse(text, file: file)
        for o in overrides { try o.apply(to: &tree) }
        let ctx = ReadContext(file: file, lines: LineMap(text: text),
                              overridden: Set(overrides.map { $0.keyPath.joined(separator: ".") }))
        return try ScenarioDecoder(ctx: ctx).decode(tree)
    }
}

/// Walks the tree section by section; every key it does not ask for is rejected by `finish()`.
struct ScenarioDecoder {
    let ctx: ReadContext

    func decode(_ tree: TOMLTree) throws(ScenarioError) -> Scenario {
        var root = try TableReader(tree, path: [], ctx: ctx)
        let scenarioNode = root.raw("scenario") ?? .table([:])
        let chainNode = root.raw("chain") ?? .table([:])
        let networkNode = root.raw("network") ?? .table([:])
        let minersNode = root.raw("miners")
        let providersNode = root.raw("providers") ?? .array([])
        try root.finish()

        // [scenario]
        var s = try TableReader(scenarioNode, path: ["scenario"], ctx: ctx)
        let defaultName = URL(fileURLWithPath: ctx.file).deletingPathExtension().lastPathComponent
        let name = try s.string("name", default: defaultName)
        let seed = try s.int("seed", default: 1, min: 0)
        let stop: Scenario.Stop
        let hasBlocks = s.has("blocks"), hasDuration = s.has("duration")
        if hasBlocks && hasDuration {
            throw s.error("duration", "either blocks or duration, not both")
        } else if hasDuration {
            stop = .duration(try s.double("duration", above: 0))
        } else {
            stop = .blocks(try s.int("blocks", default: 10_000, min: 1))
        }
        let warmup = try s.int("warmupBlocks", default: 0, min: 0)
        let reps = try s.int("replications", default: 1, min: 1, max: 10_000_000)
        let mode = Scenario.Mode(rawValue: try s.string("mode", default: "rate", oneOf: ["rate", "hash"]))!
        let description = try s.string("description", default: "")
        try s.finish()

        // [chain]
        let chain = try decodeChain(chainNode)

        // [network]
        var n = try TableReader(networkNode, path: ["network"], ctx: ctx)
        var network = Scenario.Network(propagation: try n.distribution("propagation", default: .fixed(0)),
                                       finalityDepth: try n.int("finalityDepth", default: 64, min: 1, max: 1_000_000))
        try n.finish()

        // [[miners]]
        guard let mn = minersNode else {
            throw ctx.error(["miners"], "at least one [[miners]] table")
        }
        guard case .array(let minerItems) = mn, !minerItems.isEmpty else {
            throw ctx.error(["miners"], "an array of [[miners]] tables")
        }
        var miners: [Scenario.MinerGroup] = []
        for (i, item) in minerItems.enumerated() {
            miners.append(try decodeMiner(item, path: ["miners", String(i)], index: i))
            if miners.dropLast().contains(where: { $0.name == miners[i].name }) {
                throw ctx.error(["miners", String(i), "name"], "a name no other miner group has (\"\(miners[i].name)\" is taken)")
            }
        }

        // A withholding group keeps a private tip, so it needs per-group views (network mode)
        // even when every propagation delay is 0.
        let withholder = miners.firstIndex { $0.strategy == .withholding }
        if mode == .hash, let w = withholder {
            throw ctx.error(["miners", String(w), "strategy"],
                            "\"steady\" or \"greedy\" with mode = \"hash\" (\"withholding\" needs per-group chain views, which exact mode does not run; use mode = \"rate\")")
        }
        network.isInstant = withholder == nil && network.propagation.isZero && miners.allSatisfy { $0.propagation?.isZero ?? true }
        if mode == .hash && !network.isInstant {
            throw ctx.error(["scenario", "mode"], "\"rate\" when [network] propagation is on (exact mode runs one shared tip)")
        }

        // [[providers]]
        guard case .array(let providerItems) = providersNode else {
            throw ctx.error(["providers"], "an array of [[providers]] tables")
        }
        var providers: [Scenario.ProviderGroup] = []
        for (i, item) in providerItems.enumerated() {
            providers.append(try decodeProvider(item, path: ["providers", String(i)], miners: miners))
        }

        return Scenario(file: ctx.file, name: name, seed: UInt64(seed), stop: stop, warmupBlocks: warmup,
                        replications: reps, mode: mode, chain: chain, network: network, miners: miners,
                        providers: providers, description: description)
    }

    func decodeMiner(_ node: TOMLTree, path: [String], index: Int) throws(ScenarioError) -> Scenario.MinerGroup {
        var r = try TableReader(node, path: path, ctx: ctx)
        let name = try r.string("name", default: "miner\(index)")
        let count = try r.int("count", default: 1, min: 0, max: 100_000_000)
        let hashrate = try r.double("hashrate", min: 0)
        let strategyName = try r.string("strategy", default: "steady", oneOf: ["steady", "greedy", "withholding"])
        let strategy: Scenario.Strategy
        if strategyName == "greedy" {
            strategy = .greedy(threshold: try r.double("greedyThreshold", default: 1.0, above: 0),
                               window: try r.int("greedyWindow", default: 48, min: 1))
        } else if strategyName == "withholding" {
            strategy = .withholding
        } else {
            strategy = .steady
        }
        var schedule: [Scenario.ScheduleStep] = []
        if let sn = r.raw("schedule") {
            guard case .array(let items) = sn else { throw r.error("schedule", "an array of { at = seconds, hashrate = H/s } tables") }
            for (j, it) in items.enumerated() {
                var sr = try TableReader(it, path: path + ["schedule", String(j)], ctx: ctx)
                let at = try sr.double("at", min: 0)
                let h: Double
                if sr.has("factor") {
                    if sr.has("hashrate") { throw sr.error("factor", "either hashrate or factor, not both") }
                    h = hashrate * (try sr.double("factor", min: 0))
                } else {
                    h = try sr.double("hashrate", min: 0)
                }
                let over = try sr.double("over", default: 0, min: 0)
                let steps = try sr.int("steps", default: over > 0 ? 20 : 1, min: 1, max: 100_000)
                try sr.finish()
                if let last = schedule.last, at < last.at + last.over {
                    throw ctx.error(path + ["schedule", String(j), "at"], "a time at or after the previous step ends (\(TableReader.fmt(last.at + last.over)) s)")
                }
                schedule.append(.init(at: at, hashrate: h, over: over, steps: steps))
            }
        }
        let join = try r.double("join", default: 0, min: 0)
        let leave = try r.optionalDouble("leave", min: join)
        let prop: Distribution? = r.has("propagation") ? try r.distribution("propagation") : nil
        let market = try r.bool("market", default: true)
        let maxPrice = try r.optionalDouble("maxPrice", min: 0)
        if maxPrice != nil && !market { throw r.error("maxPrice", "no maxPrice on a group with market = false (it buys nothing)") }
        try r.finish()
        return .init(name: name, count: count, hashrate: hashrate, strategy: strategy, schedule: schedule,
                     join: join, leave: leave, propagation: prop, buysFromMarket: market, maxPrice: maxPrice)
    }

    func decodeProvider(_ node: TOMLTree, path: [String], miners: [Scenario.MinerGroup]) throws(ScenarioError) -> Scenario.ProviderGroup {
        var r = try TableReader(node, path: path, ctx: ctx)
        let typeName = try r.string("type", oneOf: Scenario.providerTypeNames.keys.sorted())
        let type = Scenario.providerTypeNames[typeName]!
        let count = try r.int("count", default: 1, min: 0, max: 10_000_000)
        let names = miners.map(\.name) + ["market"]
        let owner = try r.string("owner", oneOf: names)
        let price = try r.double("price", default: 0, min: 0)
        let production: Scenario.Production
        let hasRate = r.has("rate"), hasInterval = r.has("interval")
        if hasRate == hasInterval {
            throw r.error(hasRate ? "interval" : "rate", "exactly one of rate (proofs/s per provider) or interval (seconds)")
        }
        production = hasRate ? .rate(try r.double("rate", above: 0)) : .interval(try r.double("interval", above: 0))
        var metrics: [String: Distribution] = [:]
        var m = try TableReader(r.raw("metrics") ?? .table([:]), path: path + ["metrics"], ctx: ctx)
        for (key, def) in MetricSpec.keys(for: type) {
            metrics[key] = try m.distribution(key, default: def)
        }
        try m.finish()
        let latency = try r.distribution("latency", default: .fixed(0))
        let honest = try r.double("honest", default: 1, min: 0, max: 1)
        let validity = try r.optionalDouble("validity", above: 0)
        try r.finish()
        return .init(type: type, count: count, owner: owner, price: price, production: production, metrics: metrics,
                     latency: latency, honest: honest, validity: validity)
    }
}
