import ArgumentParser
import Foundation
import MiningCore

/// Reading the inputs shared by `inspect credit|select|policy`: a policy (`devnet` or a TOML/JSON
/// file) and a JSON array of proofs. Every problem becomes one stderr line naming the field.
enum ProofInputs {
    /// `devnet` (or nil) is the built-in policy; otherwise a file, JSON if it ends in `.json`.
    static func loadPolicy(_ arg: String?, field: String = "--policy") throws -> Policy {
        guard let arg, arg != "devnet" else { return Policy.devnet }
        let data = try CLI.readFile(arg, field: field)
        guard let text = String(data: data, encoding: .utf8) else { throw CLI.fail(field, "file '\(arg)' is not UTF-8 text") }
        do {
            return arg.hasSuffix(".json") ? try Policy(json: text) : try Policy(toml: text)
        } catch {
            let place = arg + (error.line.map { ":\($0)" } ?? "") + (error.keyPath.isEmpty ? "" : ": \(error.keyPath)")
            throw CLI.fail("\(field) \(place)", error.problem)
        }
    }

    /// A JSON array of `{"type","psiAdjMicro","nullifier"[,"sizeBytes"]}` objects.
    static func loadCandidates(_ path: String, field: String) throws -> [SelectionCandidate] {
        let data = try CLI.readFile(path, field: field)
        let tree: JSONValue
        do {
            tree = try StrictJSON.parse(String(decoding: data, as: UTF8.self))
        } catch {
            throw CLI.fail(field, "valid JSON in '\(path)' (line \(error.line): \(error.message))")
        }
        guard case .array(let items) = tree else { throw CLI.fail(field, "a JSON array of proofs") }
        return try items.enumerated().map { (i, item) in
            let f = "\(field)[\(i)]"
            guard case .object(let o) = item else { throw CLI.fail(f, "an object {\"type\",\"psiAdjMicro\",\"nullifier\"}") }
            for key in o.keys where !["type", "psiAdjMicro", "nullifier", "sizeBytes"].contains(key) {
                throw CLI.fail("\(f).\(key)", "no such field (expected type, psiAdjMicro, nullifier, sizeBytes)")
            }
            guard case .string(let ts)? = o["type"], let type = ProofType(policyName: ts) ?? ProofType(wireId: ts) else {
                throw CLI.fail("\(f).type", "one of HASHSHARE, AI, QUANTUM, STORAGE, VDF")
            }
            guard case .int(let psi)? = o["psiAdjMicro"] else { throw CLI.fail("\(f).psiAdjMicro", "an integer (µ-nats)") }
            guard case .string(let ns)? = o["nullifier"] else { throw CLI.fail("\(f).nullifier", "a 0x-prefixed 32-byte hex string") }
            let nullifier: [UInt8]
            do { nullifier = try Hex.decode(ns, bytes: 32) } catch {
                throw CLI.fail("\(f).nullifier", "a 0x-prefixed 32-byte hex string (\(error))")
            }
            var size: Int64 = 0
            if let s = o["sizeBytes"] {
                guard case .int(let n) = s, n >= 0 else { throw CLI.fail("\(f).sizeBytes", "a non-negative integer") }
                size = n
            }
            return SelectionCandidate(type: type, psiAdjMicro: psi, nullifier: nullifier, sizeBytes: size)
        }
    }

    /// A JSON array of 0x-hex nullifiers.
    static func loadNullifiers(_ path: String, field: String) throws -> Set<[UInt8]> {
        let data = try CLI.readFile(path, field: field)
        guard case .array(let items)? = try? StrictJSON.parse(String(decoding: data, as: UTF8.self)) else {
            throw CLI.fail(field, "a JSON array of 0x-prefixed 32-byte hex nullifiers")
        }
        var out = Set<[UInt8]>()
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item, let n = try? Hex.decode(s, bytes: 32) else {
                throw CLI.fail("\(field)[\(i)]", "a 0x-prefixed 32-byte hex string")
            }
            out.insert(n)
        }
        return out
    }

    static func json(_ b: CreditBreakdown) -> JSONValue {
        var types: [String: JSONValue] = [:]
        for (t, s) in b.perType {
            types[t.policyName] = [
                "count": .int(Int64(s.count)), "sumIn": .int(s.sumIn), "afterPerProofCap": .int(s.afterPerProofCap),
                "perProofCapped": .int(Int64(s.perProofCapped)), "perTypeCap": .int(s.perTypeCap),
                "effectiveCap": .int(s.effectiveCap), "afterTypeCap": .int(s.afterTypeCap),
                "typeCapBound": .bool(s.typeCapBound), "escortBound": .bool(s.escortBound), "credited": .int(s.credited),
            ]
        }
        let g = b.gamma
        return ["types": .object(types),
                "gamma": ["sumIn": .int(g.sumIn), "gammaCapMicro": .int(g.gammaCapMicro), "after": .int(g.after), "bound": .bool(g.bound)]]
    }
}
