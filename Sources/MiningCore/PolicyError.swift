/// Why a policy was rejected, with the dotted key path (`types.AI.perProofCap`) and, for TOML
/// text, the 1-based line where that key (or its nearest enclosing table) is written — so the
/// message points at the exact spot to fix.
public struct PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong with the key.
    public enum Reason: Equatable, Sendable {
        /// The text is not TOML / JSON at all (the parser's message).
        case syntax(String)
        /// A key the policy schema does not have; `suggestion` is a close known name.
        case unknownKey(suggestion: String?)
        /// A required key is absent.
        case missingKey
        /// The value has the wrong kind (`expected` "integer", found "string" …).
        case wrongType(expected: String, found: String)
        /// A floating-point value: the spec allows integers, strings and arrays only.
        case float
        /// An integer outside its allowed range (negative cap, ppm above 10^6, …).
        case outOfRange(value: Int64, allowed: String)
        /// `perProofCap` above the same type's `perTypeCap`.
        case perProofCapAbovePerTypeCap(perProofCap: Int64, perTypeCap: Int64)
        /// `perTypeCap` above `gammaCapMicro`.
        case perTypeCapAboveGamma(perTypeCap: Int64, gammaCapMicro: Int64)
        /// `trapsLowPpm` above `trapsHighPpm`.
        case rampInverted(low: Int64, high: Int64)
        /// A string that is not what the key holds (e.g. a provider key that is not 32-byte hex).
        case badString(String, expected: String)
        /// A selection overlay's limit looser than the network policy's (`network`): more for a
        /// cap, Γ or `maxProofs`, less for `escortQPpm`.
        case loosens(value: Int64, network: Int64)
        /// A policy key that a selection overlay may not set (ψ coefficients, α, TTL, VDF limits,
        /// providers): an overlay changes only what this miner attaches, never how it is credited.
        case notOverlayKey
    }

    /// Dotted path of the offending key; empty for a syntax error of the whole text.
    public var keyPath: String
    /// 1-based line in the TOML text, when known.
    public var line: Int?
    public var reason: Reason

    public init(keyPath: String, line: Int? = nil, reason: Reason) {
        self.keyPath = keyPath
        self.line = line
        self.reason = reason
    }

    /// What the user should change, without the location.
    public var problem: String {
        switch reason {
        case .syntax(let m): return "not a valid policy document: \(m)"
        case .unknownKey(let s):
            return "unknown key" + (s.map { " (did you mean '\($0)'?)" } ?? "")
        case .missingKey: return "required key is missing"
        case .wrongType(let e, let f): return "expected \(e), found \(f)"
        case .float: return "floats are not allowed (integers, strings and arrays only; write fractions as ppm)"
        case .outOfRange(let v, let a): return "value \(v) is out of range (expected \(a))"
        case .perProofCapAbovePerTypeCap(let p, let t): return "perProofCap \(p) exceeds perTypeCap \(t)"
        case .perTypeCapAboveGamma(let t, let g): return "perTypeCap \(t) exceeds gammaCapMicro \(g)"
        case .rampInverted(let l, let h): return "trapsLowPpm \(l) exceeds trapsHighPpm \(h)"
        case .badString(let s, let e): return "'\(s)' is not \(e)"
        case .loosens(let v, let n):
            return "= \(v) loosens the network policy's \(n); an overlay may only tighten"
                + (keyPath.hasSuffix("escortQPpm") ? " (escortQPpm only upwards)" : "")
        case .notOverlayKey:
            return "is a network policy key an overlay cannot change; an overlay tightens only the caps "
                + "(perProofCap, perTypeCap), Γ (gammaCapMicro), the escort q (escortQPpm) and maxProofs"
        }
    }

    /// `line 17: types.AI.perProofCap: perProofCap 5000000 exceeds perTypeCap 4000000`.
    public var description: String { located(file: nil) }

    /// The description for a file a person can open: `overlay.toml:5: types.AI.perTypeCap = …`
    /// (`FILE:LINE`, the form editors and compilers use), or `line 5: …` without a file.
    public func located(file: String?) -> String {
        var parts: [String] = []
        switch (file, line) {
        case (let f?, let l?): parts.append("\(f):\(l)")
        case (let f?, nil): parts.append(f)
        case (nil, let l?): parts.append("line \(l)")
        case (nil, nil): break
        }
        // `key = value loosens …` and `key is a network policy key …` read as one phrase.
        let phrase: Bool
        switch reason {
        case .loosens, .notOverlayKey: phrase = true
        default: phrase = false
        }
        if keyPath.isEmpty { parts.append(problem) } else if phrase { parts.append("\(keyPath) \(problem)") } else { parts += [keyPath, problem] }
        return parts.joined(separator: ": ")
    }
}
