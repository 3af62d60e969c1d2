/// The five proof kinds of spec section 1, with their numeric and wire ids.
public enum ProofType: UInt8, CaseIterable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case hashShare = 1
    case ai = 2
    case quantum = 3
    case storage = 4
    case vdf = 5

    /// The policy's table name (`[types.HASHSHARE]`) and the name in CSV columns and JSON.
    public var policyName: String {
        switch self {
        case .hashShare: return "HASHSHARE"
        case .ai: return "AI"
        case .quantum: return "QUANTUM"
        case .storage: return "STORAGE"
        case .vdf: return "VDF"
        }
    }

    /// The envelope's `type_id` (`ai:v1`).
    public var wireId: String { "\(nullifierName):v1" }

    /// The `<type>` in the nullifier domain tag `animica:nullifier:<type>:v1`.
    public var nullifierName: String {
        switch self {
        case .hashShare: return "hashshare"
        case .ai: return "ai"
        case .quantum: return "quantum"
        case .storage: return "storage"
        case .vdf: return "vdf"
        }
    }

    public init?(policyName: String) {
        guard let t = Self.allCases.first(where: { $0.policyName == policyName }) else { return nil }
        self = t
    }

    public init?(wireId: String) {
        guard let t = Self.allCases.first(where: { $0.wireId == wireId }) else { return nil }
        self = t
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public var description: String { policyName }
}
