/// One value per proof type, stored inline in `ProofType` order (HASHSHARE … VDF).
///
/// A dictionary keyed by `ProofType` hashes on every lookup; the caps and credit code runs per
/// block in the simulator's inner loop, so it indexes a fixed array by the type's raw value.
public struct PerType<Value>: Sequence {
    @usableFromInline var storage: [Value]

    /// A table with `value` for every type.
    @inlinable public init(repeating value: Value) {
        storage = Array(repeating: value, count: ProofType.allCases.count)
    }

    /// A table built by calling `make` for each type in order.
    @inlinable public init(_ make: (ProofType) throws -> Value) rethrows {
        storage = try ProofType.allCases.map(make)
    }

    @inlinable public subscript(type: ProofType) -> Value {
        get { storage[Int(type.rawValue) - 1] }
        set { storage[Int(type.rawValue) - 1] = newValue }
    }

    /// `(type, value)` pairs in type order.
    public func makeIterator() -> Zip2Sequence<[ProofType], [Value]>.Iterator {
        zip(ProofType.allCases, storage).makeIterator()
    }

    public func map<T>(_ f: (Value) throws -> T) rethrows -> PerType<T> {
        try PerType<T> { try f(self[$0]) }
    }
}

extension PerType: Sendable where Value: Sendable {}
extension PerType: Equatable where Value: Equatable {}
extension PerType: Hashable where Value: Hashable {}
