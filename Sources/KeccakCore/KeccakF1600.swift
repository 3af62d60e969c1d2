/// Keccak-f[1600], the permutation under Keccak-512 (and SHA-3), written for speed.
///
/// The permutation is generic over the *lane* type so one source serves both the scalar hash
/// (`UInt64`, one state) and the lane-parallel scanner (`SIMD4<UInt64>` / `SIMD8<UInt64>`, several
/// independent states that differ only in their nonce). Each round is written out lane by lane on
/// local values (the state struct's 25 stored properties are promoted to registers/stack slots
/// after inlining — there is no array, index arithmetic or bounds check in the hot loop), and all
/// 24 rounds are unrolled with literal round constants. The round body is the textbook
/// θ, ρ+π, χ, ι of FIPS 202 §3.2 with π folded into the names: output row `y` reads the five
/// lanes `A[(x + 3y) mod 5, x]` for `x = 0…4`.

/// A value the permutation can run on: one 64-bit lane, or several lanes side by side.
///
/// `UInt64` and the `SIMDn<UInt64>` types already provide `^`, `&` and `~`; conformers add a
/// rotate by a constant and a broadcast of the round constant.
public protocol KeccakLane: Sendable {
    static func ^ (lhs: Self, rhs: Self) -> Self
    static func & (lhs: Self, rhs: Self) -> Self
    prefix static func ~ (operand: Self) -> Self
    /// Rotates each 64-bit lane left by `n` (1…63; always a literal at the call site).
    func keccakRotatedLeft(_ n: UInt64) -> Self
    /// The value with every 64-bit lane equal to `value`.
    init(keccakBroadcast value: UInt64)
}

extension UInt64: KeccakLane {
    @inlinable @inline(__always)
    public func keccakRotatedLeft(_ n: UInt64) -> UInt64 { (self &<< n) | (self &>> (64 &- n)) }
    @inlinable @inline(__always)
    public init(keccakBroadcast value: UInt64) { self = value }
}

extension SIMD2: KeccakLane where Scalar == UInt64 {
    @inlinable @inline(__always)
    public func keccakRotatedLeft(_ n: UInt64) -> Self { (self &<< n) | (self &>> (64 &- n)) }
    @inlinable @inline(__always)
    public init(keccakBroadcast value: UInt64) { self.init(repeating: value) }
}

extension SIMD4: KeccakLane where Scalar == UInt64 {
    @inlinable @inline(__always)
    public func keccakRotatedLeft(_ n: UInt64) -> Self { (self &<< n) | (self &>> (64 &- n)) }
    @inlinable @inline(__always)
    public init(keccakBroadcast value: UInt64) { self.init(repeating: value) }
}

extension SIMD8: KeccakLane where Scalar == UInt64 {
    @inlinable @inline(__always)
    public func keccakRotatedLeft(_ n: UInt64) -> Self { (self &<< n) | (self &>> (64 &- n)) }
    @inlinable @inline(__always)
    public init(keccakBroadcast value: UInt64) { self.init(repeating: value) }
}

/// The 25 lanes of a Keccak-f[1600] state, lane `a[x + 5y]` as in FIPS 202, each a `Lane`.
///
/// Stored properties rather than an array so the optimiser can keep the whole state in
/// registers and stack slots while the permutation runs.
@frozen
public struct KeccakLanes<Lane: KeccakLane>: Sendable {
    public var a0, a1, a2, a3, a4: Lane
    public var a5, a6, a7, a8, a9: Lane
    public var a10, a11, a12, a13, a14: Lane
    public var a15, a16, a17, a18, a19: Lane
    public var a20, a21, a22, a23, a24: Lane

    /// Every lane set to `value` (zero for the initial sponge state).
    @inlinable
    public init(repeating value: Lane) {
        a0 = value; a1 = value; a2 = value; a3 = value; a4 = value
        a5 = value; a6 = value; a7 = value; a8 = value; a9 = value
        a10 = value; a11 = value; a12 = value; a13 = value; a14 = value
        a15 = value; a16 = value; a17 = value; a18 = value; a19 = value
        a20 = value; a21 = value; a22 = value; a23 = value; a24 = value
    }

    /// Lane `i` (0 ..< 25). A switch, for the cold paths (absorbing, squeezing, tests).
    @inlinable
    public subscript(i: Int) -> Lane {
        get {
            switch i {
            case 0: return a0
            case 1: return a1
            case 2: return a2
            case 3: return a3
            case 4: return a4
            case 5: return a5
            case 6: return a6
            case 7: return a7
            case 8: return a8
            case 9: return a9
            case 10: return a10
            case 11: return a11
            case 12: return a12
            case 13: return a13
            case 14: return a14
            case 15: return a15
            case 16: return a16
            case 17: return a17
            case 18: return a18
            case 19: return a19
            case 20: return a20
            case 21: return a21
            case 22: return a22
            case 23: return a23
            case 24: return a24
            default: preconditionFailure("Keccak lane index \(i) out of range 0..<25")
            }
        }
        set {
            switch i {
            case 0: a0 = newValue
            case 1: a1 = newValue
            case 2: a2 = newValue
            case 3: a3 = newValue
            case 4: a4 = newValue
            case 5: a5 = newValue
            case 6: a6 = newValue
            case 7: a7 = newValue
            case 8: a8 = newValue
            case 9: a9 = newValue
            case 10: a10 = newValue
            case 11: a11 = newValue
            case 12: a12 = newValue
            case 13: a13 = newValue
            case 14: a14 = newValue
            case 15: a15 = newValue
            case 16: a16 = newValue
            case 17: a17 = newValue
            case 18: a18 = newValue
            case 19: a19 = newValue
            case 20: a20 = newValue
            case 21: a21 = newValue
            case 22: a22 = newValue
            case 23: a23 = newValue
            case 24: a24 = newValue
            default: preconditionFailure("Keccak lane index \(i) out of range 0..<25")
            }
        }
    }
}

extension KeccakLanes: Equatable where Lane: Equatable {}

extension KeccakLanes where Lane == UInt64 {
    /// The all-zero initial state.
    @inlinable
    public init() { self.init(repeating: 0) }
}

/// Keccak-f[1600] (24 rounds).
public enum KeccakF1600 {
    /// ι round constants, FIPS 202 §3.2.5.
    public static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]

    /// One state.
    ///
    /// `@_optimize(size)` keeps LLVM's SLP vectoriser off this function: on baseline x86-64
    /// (SSE2, no vector rotate) it pairs lanes into XMM registers and the permutation runs ~1.5×
    /// slower than plain `rol`/`xor`/`and` on general registers (measured, see
    /// ``NonceScan/candidatesScalar``). Not `@inlinable`, so the attribute always applies.
    @_optimize(size)
    public static func permute(_ s: inout KeccakLanes<UInt64>) { permuteLanes(&s) }

    /// Two independent states, one per SIMD lane.
    @inlinable
    public static func permute(_ s: inout KeccakLanes<SIMD2<UInt64>>) { permuteLanes(&s) }

    /// Four independent states, one per SIMD lane.
    @inlinable
    public static func permute(_ s: inout KeccakLanes<SIMD4<UInt64>>) { permuteLanes(&s) }

    /// Eight independent states, one per SIMD lane.
    @inlinable
    public static func permute(_ s: inout KeccakLanes<SIMD8<UInt64>>) { permuteLanes(&s) }

    /// All 24 rounds, unrolled, with literal round constants.
    @inlinable @inline(__always)
    public static func permuteLanes<Lane: KeccakLane>(_ s: inout KeccakLanes<Lane>) {
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_0001))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_8082))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_808A))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_8000_8000))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_808B))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_8000_0001))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_8000_8081))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_8009))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_008A))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_0088))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_8000_8009))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_8000_000A))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_8000_808B))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_008B))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_8089))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_8003))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_8002))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_0080))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_0000_800A))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_8000_000A))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_8000_8081))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_0000_8080))
        round(&s, Lane(keccakBroadcast: 0x0000_0000_8000_0001))
        round(&s, Lane(keccakBroadcast: 0x8000_0000_8000_8008))
    }

    /// One round: θ, ρ, π, χ, ι.
    @inlinable @inline(__always)
    static func round<Lane: KeccakLane>(_ s: inout KeccakLanes<Lane>, _ rc: Lane) {
        let c0 = s.a0 ^ s.a5 ^ s.a10 ^ s.a15 ^ s.a20
        let c1 = s.a1 ^ s.a6 ^ s.a11 ^ s.a16 ^ s.a21
        let c2 = s.a2 ^ s.a7 ^ s.a12 ^ s.a17 ^ s.a22
        let c3 = s.a3 ^ s.a8 ^ s.a13 ^ s.a18 ^ s.a23
        let c4 = s.a4 ^ s.a9 ^ s.a14 ^ s.a19 ^ s.a24
        let d0 = c4 ^ c1.keccakRotatedLeft(1)
        let d1 = c0 ^ c2.keccakRotatedLeft(1)
        let d2 = c1 ^ c3.keccakRotatedLeft(1)
        let d3 = c2 ^ c4.keccakRotatedLeft(1)
        let d4 = c3 ^ c0.keccakRotatedLeft(1)
        let b00 = s.a0 ^ d0
        let b10 = (s.a6 ^ d1).keccakRotatedLeft(44)
        let b20 = (s.a12 ^ d2).keccakRotatedLeft(43)
        let b30 = (s.a18 ^ d3).keccakRotatedLeft(21)
        let b40 = (s.a24 ^ d4).keccakRotatedLeft(14)
        let b01 = (s.a3 ^ d3).keccakRotatedLeft(28)
        let b11 = (s.a9 ^ d4).keccakRotatedLeft(20)
        let b21 = (s.a10 ^ d0).keccakRotatedLeft(3)
        let b31 = (s.a16 ^ d1).keccakRotatedLeft(45)
        let b41 = (s.a22 ^ d2).keccakRotatedLeft(61)
        let b02 = (s.a1 ^ d1).keccakRotatedLeft(1)
        let b12 = (s.a7 ^ d2).keccakRotatedLeft(6)
        let b22 = (s.a13 ^ d3).keccakRotatedLeft(25)
        let b32 = (s.a19 ^ d4).keccakRotatedLeft(8)
        let b42 = (s.a20 ^ d0).keccakRotatedLeft(18)
        let b03 = (s.a4 ^ d4).keccakRotatedLeft(27)
        let b13 = (s.a5 ^ d0).keccakRotatedLeft(36)
        let b23 = (s.a11 ^ d1).keccakRotatedLeft(10)
        let b33 = (s.a17 ^ d2).keccakRotatedLeft(15)
        let b43 = (s.a23 ^ d3).keccakRotatedLeft(56)
        let b04 = (s.a2 ^ d2).keccakRotatedLeft(62)
        let b14 = (s.a8 ^ d3).keccakRotatedLeft(55)
        let b24 = (s.a14 ^ d4).keccakRotatedLeft(39)
        let b34 = (s.a15 ^ d0).keccakRotatedLeft(41)
        let b44 = (s.a21 ^ d1).keccakRotatedLeft(2)
        s.a0 = b00 ^ (~b10 & b20) ^ rc
        s.a1 = b10 ^ (~b20 & b30)
        s.a2 = b20 ^ (~b30 & b40)
        s.a3 = b30 ^ (~b40 & b00)
        s.a4 = b40 ^ (~b00 & b10)
        s.a5 = b01 ^ (~b11 & b21)
        s.a6 = b11 ^ (~b21 & b31)
        s.a7 = b21 ^ (~b31 & b41)
        s.a8 = b31 ^ (~b41 & b01)
        s.a9 = b41 ^ (~b01 & b11)
        s.a10 = b02 ^ (~b12 & b22)
        s.a11 = b12 ^ (~b22 & b32)
        s.a12 = b22 ^ (~b32 & b42)
        s.a13 = b32 ^ (~b42 & b02)
        s.a14 = b42 ^ (~b02 & b12)
        s.a15 = b03 ^ (~b13 & b23)
        s.a16 = b13 ^ (~b23 & b33)
        s.a17 = b23 ^ (~b33 & b43)
        s.a18 = b33 ^ (~b43 & b03)
        s.a19 = b43 ^ (~b03 & b13)
        s.a20 = b04 ^ (~b14 & b24)
        s.a21 = b14 ^ (~b24 & b34)
        s.a22 = b24 ^ (~b34 & b44)
        s.a23 = b34 ^ (~b44 & b04)
        s.a24 = b44 ^ (~b04 & b14)
    }
}
