import MiningCore

/// Seeded mutations of an envelope for ``VerifyMutationTests``: byte-level edits of its text and
/// JSON-level edits of its tree (which reach the verifiers' schema, binding and cryptographic
/// checks far more often than random bytes, which mostly break the JSON).
enum EnvelopeMutator {
    /// Bytes a JSON edit most often breaks or bends meaningfully.
    static let alphabet = Array("0123456789abcdefABCDEFx{}[]\":,. -+eE\\nul".utf8)

    /// Flip a bit, replace, insert or delete a byte, or truncate.
    static func byteLevel(_ bytes: [UInt8], rng: inout SplitMix64) -> [UInt8] {
        var m = bytes
        let pos = Int(rng.next() % UInt64(m.count))
        let byte = rng.next() % 2 == 0 ? alphabet[Int(rng.next() % UInt64(alphabet.count))] : UInt8(truncatingIfNeeded: rng.next())
        switch rng.next() % 5 {
        case 0: m[pos] ^= UInt8(1) << (rng.next() % 8)
        case 1: m[pos] = byte
        case 2: m.insert(byte, at: pos)
        case 3: m.remove(at: pos)
        default: m.removeSubrange(pos...)
        }
        return m
    }

    /// A path into a JSON tree: object keys and array indices.
    enum Step: Hashable { case key(String), index(Int) }

    /// Every node's path (root first), in a fixed order (sorted keys).
    static func paths(_ v: JSONValue, _ prefix: [Step] = []) -> [[Step]] {
        var out = [prefix]
        switch v {
        case .object(let o):
            for k in JSONValue.sortedKeys(o) { out += paths(o[k]!, prefix + [.key(k)]) }
        case .array(let a):
            for (i, e) in a.enumerated() { out += paths(e, prefix + [.index(i)]) }
        default: break
        }
        return out
    }

    static func get(_ v: JSONValue, _ path: ArraySlice<Step>) -> JSONValue? {
        guard let step = path.first else { return v }
        switch (step, v) {
        case (.key(let k), .object(let o)): return o[k].flatMap { get($0, path.dropFirst()) }
        case (.index(let i), .array(let a)): return a.indices.contains(i) ? get(a[i], path.dropFirst()) : nil
        default: return nil
        }
    }

    /// Replaces the node at `path` (nil removes it from its object or array).
    static func set(_ v: JSONValue, _ path: ArraySlice<Step>, _ new: JSONValue?) -> JSONValue {
        guard let step = path.first else { return new ?? .null }
        switch (step, v) {
        case (.key(let k), .object(var o)):
            if path.count == 1 { o[k] = new } else if let child = o[k] { o[k] = set(child, path.dropFirst(), new) }
            return .object(o)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            if path.count == 1 {
                if let new { a[i] = new } else { a.remove(at: i) }
            } else {
                a[i] = set(a[i], path.dropFirst(), new)
            }
            return .array(a)
        default: return v
        }
    }

    static func pick<T>(_ xs: [T], _ rng: inout SplitMix64) -> T? {
        xs.isEmpty ? nil : xs[Int(rng.next() % UInt64(xs.count))]
    }

    /// One JSON-level edit of `tree` (numbers, hex strings, field swaps, drops, additions, kinds,
    /// array elements); the result may equal the tree (e.g. two equal values swapped).
    static func jsonLevel(_ tree: JSONValue, rng: inout SplitMix64) -> JSONValue {
        let all = paths(tree)
        func nodes(_ keep: (JSONValue) -> Bool) -> [[Step]] { all.filter { get(tree, $0[...]).map(keep) ?? false } }
        switch rng.next() % 7 {
        case 0:  // a number: nudged, negated, zeroed, an extreme or made a float
            guard let p = pick(nodes { if case .int = $0 { true } else { false } }, &rng),
                  case .int(let i)? = get(tree, p[...]) else { break }
            let options: [JSONValue] = [.int(i &+ 1), .int(i &- 1), .int(0), .int(0 &- i), .int(.max), .int(.min), .double(Double(i) + 0.5),
                                        .int(i &* 2), .string(String(i))]
            return set(tree, p[...], pick(options, &rng))
        case 1:  // a hex string: one digit changed, dropped or upper-cased, a zero byte prepended, the prefix removed
            guard let p = pick(nodes { if case .string(let s) = $0 { s.hasPrefix("0x") } else { false } }, &rng),
                  case .string(let s)? = get(tree, p[...]) else { break }
            var u = Array(s.utf8)
            let i = 2 + Int(rng.next() % UInt64(max(1, u.count - 2)))
            switch rng.next() % 5 {
            case 0: if i < u.count { u[i] = Array("0123456789abcdef".utf8)[Int(rng.next() % 16)] }
            case 1: if i < u.count { u.remove(at: i) }
            case 2: if i < u.count, (0x61...0x66).contains(u[i]) { u[i] -= 0x20 } else { u.append(UInt8(ascii: "0")) }
            case 3: u.insert(contentsOf: Array("00".utf8), at: 2)
            default: u.removeFirst(min(2, u.count))
            }
            return set(tree, p[...], .string(String(decoding: u, as: UTF8.self)))
        case 2:  // two fields of one object swap their values
            guard let p = pick(nodes { if case .object(let o) = $0 { o.count >= 2 } else { false } }, &rng),
                  case .object(let o)? = get(tree, p[...]) else { break }
            let keys = JSONValue.sortedKeys(o)
            let a = keys[Int(rng.next() % UInt64(keys.count))], b = keys[Int(rng.next() % UInt64(keys.count))]
            var swapped = o
            swapped[a] = o[b]
            swapped[b] = o[a]
            return set(tree, p[...], .object(swapped))
        case 3:  // a field or element dropped
            guard let p = pick(all.filter { !$0.isEmpty }, &rng) else { break }
            return set(tree, p[...], nil)
        case 4:  // an unknown field added to an object
            guard let p = pick(nodes { if case .object = $0 { true } else { false } }, &rng),
                  case .object(var o)? = get(tree, p[...]) else { break }
            o["x_\(rng.next() % 4)"] = .int(1)
            return set(tree, p[...], .object(o))
        case 5:  // a node given another kind
            guard let p = pick(all, &rng) else { break }
            let options: [JSONValue] = [.null, .bool(true), .int(0), .string(""), .array([]), .object([:]), .string("0x")]
            return set(tree, p[...], pick(options, &rng))
        default:  // an array element duplicated or two swapped
            guard let p = pick(nodes { if case .array(let a) = $0 { !a.isEmpty } else { false } }, &rng),
                  case .array(var a)? = get(tree, p[...]) else { break }
            let i = Int(rng.next() % UInt64(a.count)), j = Int(rng.next() % UInt64(a.count))
            if rng.next() % 2 == 0 { a.insert(a[i], at: j) } else { a.swapAt(i, j) }
            return set(tree, p[...], .array(a))
        }
        return tree
    }
}
