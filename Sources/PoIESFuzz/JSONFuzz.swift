import MiningCore

/// Strict JSON: any input is parsed or refused with a positioned error; an accepted document's
/// canonical text parses back to an equal value and is a fixed point of canonicalisation (the
/// proofs root and nullifiers hash canonical bytes, so a value that drifts on a round trip would
/// hash differently on two nodes).
enum JSONFuzz {
    static func run(_ input: [UInt8]) {
        let value: JSONValue
        do {
            value = try StrictJSON.parse(input)
        } catch {
            precondition(!error.message.isEmpty && error.offset >= 0 && error.offset <= input.count && error.line >= 1,
                         "malformed parse error \(error)")
            return
        }
        let canonical = value.canonicalBytes
        guard let again = try? StrictJSON.parse(canonical) else {
            preconditionFailure("canonical output does not parse: \(value.canonical)")
        }
        precondition(again == value, "round trip changed the value: \(value.canonical)")
        precondition(again.canonicalBytes == canonical, "canonical form is not a fixed point: \(value.canonical)")
    }
}
