import MiningCore

/// A classical reversible circuit (X, CNOT, Toffoli) on at most 16 qubits, applied to a basis
/// state: the quantum trap of spec section 8. Its ideal output is one bitstring, which any node
/// computes exactly by flipping bits.
public struct ReversibleCircuit: Sendable, Equatable {
    public enum Gate: Sendable, Equatable {
        case x(Int)
        case cnot(control: Int, target: Int)
        case toffoli(c1: Int, c2: Int, target: Int)
    }

    public static let widthRange = 3...16
    public static let depthRange = 1...1024

    public let width: Int
    /// The basis state the circuit starts from (bit q = qubit q).
    public let input: UInt16
    public let gates: [Gate]

    public init(width: Int, input: UInt16, gates: [Gate]) {
        self.width = width
        self.input = input
        self.gates = gates
    }

    /// Trap circuit `index`: from the stream `SHA3-256("animica:quantum:trap:v1" ‖ trapSeed ‖
    /// u32(index) ‖ u32(ctr))`: two bytes give the input basis state (masked to `width` bits), then
    /// per gate one byte picks the kind (`b mod 3`: X, CNOT, Toffoli) and one byte per operand picks a
    /// qubit (`b mod width`, bytes naming an already chosen qubit are skipped).
    public static func trap(trapSeed: [UInt8], index: UInt32, width: Int, depth: Int) -> ReversibleCircuit {
        precondition(widthRange.contains(width))
        var s = HashStream(domain: "animica:quantum:trap:v1", key: trapSeed + BE.u32(index))
        let mask = UInt16(truncatingIfNeeded: (1 << width) - 1)
        let input = (UInt16(s.next()) << 8 | UInt16(s.next())) & mask
        var gates = [Gate]()
        gates.reserveCapacity(depth)
        for _ in 0..<depth {
            let kind = Int(s.next() % 3)
            var qs = [Int]()
            while qs.count <= kind {
                let q = Int(s.next()) % width
                if !qs.contains(q) { qs.append(q) }
            }
            switch kind {
            case 0: gates.append(.x(qs[0]))
            case 1: gates.append(.cnot(control: qs[0], target: qs[1]))
            default: gates.append(.toffoli(c1: qs[0], c2: qs[1], target: qs[2]))
            }
        }
        return ReversibleCircuit(width: width, input: input, gates: gates)
    }

    /// The ideal (noise-free) output bitstring.
    public var idealOutput: UInt16 {
        var s = input
        for g in gates {
            switch g {
            case .x(let t): s ^= 1 << t
            case .cnot(let c, let t): if s >> c & 1 == 1 { s ^= 1 << t }
            case .toffoli(let a, let b, let t): if s >> a & 1 == 1, s >> b & 1 == 1 { s ^= 1 << t }
            }
        }
        return s
    }

    /// Canonical encoding: u8(width) ‖ u16(input) ‖ per gate u8(kind) ‖ u8 operands.
    public var encoding: [UInt8] {
        var out: [UInt8] = [UInt8(width)] + BE.u16(input)
        for g in gates {
            switch g {
            case .x(let t): out += [0, UInt8(t)]
            case .cnot(let c, let t): out += [1, UInt8(c), UInt8(t)]
            case .toffoli(let a, let b, let t): out += [2, UInt8(a), UInt8(b), UInt8(t)]
            }
        }
        return out
    }

    public var digest: [UInt8] { SHA3_256.hash(encoding) }
}
