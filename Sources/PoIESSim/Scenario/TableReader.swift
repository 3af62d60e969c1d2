import OrderedCollections

/// Reads one table of the scenario tree, remembering which keys were asked for, so `finish()`
/// can reject every other key with a "did you mean" suggestion.
struct TableReader {
    let table: OrderedDictionary<String, TOMLTree>
    let path: [String]
    let ctx: ReadContext
    private(set) var known: [String] = []

    init(_ node: TOMLTree, path: [String], ctx: ReadContext) throws(ScenarioError) {
        guard case .table(let t) = node else {
            throw ctx.error(path, "a table, found \(node.typeName)")
        }
        table = t
        self.path = path
        self.ctx = ctx
    }

    func error(_ key: String, _ expected: String) -> ScenarioError { ctx.error(path + [key], expected) }

    /// A missing required key: if an unknown key is a likely typo of it, report that key instead.
    func missing(_ key: String, _ expected: String) -> ScenarioError {
        for k in table.keys where !known.contains(k) && k != key {
            if Suggest.distance(k.lowercased(), key.lowercased()) <= max(2, key.count / 3) {
                return error(k, "unknown key (did you mean \"\(key)\"?)")
            }
        }
        return error(key, expected)
    }

    mutating func raw(_ key: String) -> TOMLTree? {
        known.append(key)
        return table[key]
    }

    mutating func has(_ key: String) -> Bool { known.append(key); return table[key] != nil }

    mutating func double(_ key: String, default d: Double? = nil, min lo: Double? = nil, max hi: Double? = nil,
                         above: Double? = nil) throws(ScenarioError) -> Double {
        guard let v = raw(key) else {
            if let d { return d }
            throw missing(key, "a number (this key is required)")
        }
        let x: Double
        switch v {
        case .int(let i): x = Double(i)
        case .double(let f): x = f
        default: throw error(key, "a number, found \(v.typeName)")
        }
        guard x.isFinite else { throw error(key, "a finite number") }
        if let lo, x < lo { throw error(key, "a number ≥ \(Self.fmt(lo)), found \(Self.fmt(x))") }
        if let hi, x > hi { throw error(key, "a number ≤ \(Self.fmt(hi)), found \(Self.fmt(x))") }
        if let above, x <= above { throw error(key, "a number > \(Self.fmt(above)), found \(Self.fmt(x))") }
        return x
    }

    mutating func optionalDouble(_ key: String, above: Double? = nil, min lo: Double? = nil) throws(ScenarioError) -> Double? {
        guard table[key] != nil else { known.append(key); return nil }
        return try double(key, min: lo, above: above)
    }

    mutating func int(_ key: String, default d: Int? = nil, min lo: Int? = nil, max hi: Int? = nil) throws(ScenarioError) -> Int {
        guard let v = raw(key) else {
            if let d { return d }
            throw missing(key, "an integer (this key is required)")
        }
        let x: Int
        switch v {
        case .int(let i): x = i
        case .double(let f) where f.rounded() == f && abs(f) < 9e15: x = Int(f)
        default: throw error(key, "an integer, found \(v.typeName)")
        }
        if let lo, x < lo { throw error(key, "an integer ≥ \(lo), found \(x)") }
        if let hi, x > hi { throw error(key, "an integer ≤ \(hi), found \(x)") }
        return x
    }

    mutating func string(_ key: String, default d: String? = nil, oneOf choices: [String]? = nil) throws(ScenarioError) -> String {
        guard let v = raw(key) else {
            if let d { return d }
            throw missing(key, "a string (this key is required)")
        }
        guard case .string(let s) = v else { throw error(key, "a string, found \(v.typeName)") }
        if let choices, !choices.contains(s) {
            let hint = Suggest.closest(s, in: choices).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw error(key, "one of \(choices.map { "\"\($0)\"" }.joined(separator: ", ")), found \"\(s)\"\(hint)")
        }
        return s
    }

    mutating func bool(_ key: String, default d: Bool) throws(ScenarioError) -> Bool {
        guard let v = raw(key) else { return d }
        guard case .bool(let b) = v else { throw error(key, "true or false, found \(v.typeName)") }
        return b
    }

    mutating func distribution(_ key: String, default d: Distribution? = nil, nonNegative: Bool = true) throws(ScenarioError) -> Distribution {
        guard let v = raw(key) else {
            if let d { return d }
            throw missing(key, "a number or a distribution table (this key is required)")
        }
        return try Self.distribution(v, path: path + [key], ctx: ctx, nonNegative: nonNegative)
    }

    static func distribution(_ v: TOMLTree, path: [String], ctx: ReadContext, nonNegative: Bool) throws(ScenarioError) -> Distribution {
        switch v {
        case .int(let i): return .fixed(Double(i))
        case .double(let x): return .fixed(x)
        case .table:
            var r = try TableReader(v, path: path, ctx: ctx)
            let kind = try r.string("dist", oneOf: Distribution.names)
            let lo: Double? = nonNegative ? 0 : nil
            let out: Distribution
            switch kind {
            case "fixed": out = .fixed(try r.double("value", min: lo))
            case "uniform":
                let a = try r.double("min", min: lo), b = try r.double("max", min: a)
                out = .uniform(min: a, max: b)
            case "normal": out = .normal(mean: try r.double("mean"), sd: try r.double("sd", min: 0))
            case "lognormal": out = .lognormal(mu: try r.double("mu"), sigma: try r.double("sigma", min: 0))
            case "exponential": out = .exponential(mean: try r.double("mean", min: 0))
            default:  // choice
                guard case .array(let vs)? = r.raw("values"), !vs.isEmpty else {
                    throw r.error("values", "a non-empty array of numbers")
                }
                var values: [Double] = []
                for x in vs {
                    switch x {
                    case .int(let i): values.append(Double(i))
                    case .double(let d): values.append(d)
                    default: throw r.error("values", "numbers only, found \(x.typeName)")
                    }
                }
                var weights = Array(repeating: 1.0, count: values.count)
                if let w = r.raw("weights") {
                    guard case .array(let ws) = w, ws.count == values.count else {
                        throw r.error("weights", "an array of \(values.count) non-negative numbers (one per value)")
                    }
                    weights = []
                    for x in ws {
                        switch x {
                        case .int(let i) where i >= 0: weights.append(Double(i))
                        case .double(let d) where d >= 0: weights.append(d)
                        default: throw r.error("weights", "non-negative numbers only")
                        }
                    }
                }
                var acc = 0.0
                let cum = weights.map { acc += $0; return acc }
                guard acc > 0 else { throw r.error("weights", "at least one positive weight") }
                out = .choice(values: values, cumulativeWeights: cum)
            }
            try r.finish()
            return out
        default:
            throw ctx.error(path, "a number or a distribution table such as { dist = \"uniform\", min = 0, max = 1 }, found \(v.typeName)")
        }
    }

    /// Rejects keys that were never asked for.
    func finish() throws(ScenarioError) {
        for k in table.keys where !known.contains(k) {
            let hint = Suggest.closest(k, in: known).map { " (did you mean \"\($0)\"?)" } ?? ""
            let allowed = Array(Set(known)).sorted().joined(separator: ", ")
            throw ctx.error(path + [k], "unknown key\(hint); allowed here: \(allowed)")
        }
    }

    static func fmt(_ x: Double) -> String {
        x.rounded() == x && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }
}

/// The file, its line map and the overridden key paths, for error messages.
struct ReadContext {
    let file: String
    let lines: LineMap
    let overridden: Set<String>

    func error(_ path: [String], _ expected: String) -> ScenarioError {
        let key = path.joined(separator: ".")
        if overridden.contains(where: { key == $0 || key.hasPrefix($0 + ".") }) {
            return ScenarioError(file: file + " (--set)", line: nil, keyPath: key, expected: expected)
        }
        return ScenarioError(file: file, line: lines.line(of: path), keyPath: key, expected: expected)
    }
}

/// "Did you mean": the closest candidate by edit distance, when it is close enough to help.
enum Suggest {
    static func closest(_ s: String, in candidates: [String]) -> String? {
        var best: (String, Int)? = nil
        for c in Set(candidates).sorted() {
            let d = distance(s.lowercased(), c.lowercased())
            if best == nil || d < best!.1 { best = (c, d) }
        }
        guard let (c, d) = best, d <= max(2, s.count / 3) else { return nil }
        return c
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where b.count > 0 {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
