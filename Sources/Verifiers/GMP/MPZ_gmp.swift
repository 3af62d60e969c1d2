import CGMP

/// One GMP integer behind a stable pointer. GMP updates its arguments in place (`mul(y, y, y)`),
/// which Swift's exclusivity rules forbid on `inout` structs; behind a pointer it is fine.
/// Not thread-safe: a value is owned by one workspace or wrapped immutably by ``GMPInteger``.
final class MPZ: @unchecked Sendable {
    let p: UnsafeMutablePointer<__mpz_struct>

    init() {
        p = .allocate(capacity: 1)
        __gmpz_init(p)
    }

    /// Pre-sizes the limb array for `bits`, so later results of that size do not reallocate.
    init(bits: Int) {
        p = .allocate(capacity: 1)
        __gmpz_init2(p, mp_bitcnt_t(bits))
    }

    deinit {
        __gmpz_clear(p)
        p.deallocate()
    }

    /// Sets the value from big-endian bytes.
    func set(bytes: [UInt8]) {
        if bytes.isEmpty {
            __gmpz_set_ui(p, 0)
            return
        }
        bytes.withUnsafeBufferPointer { b in
            __gmpz_import(p, b.count, 1, 1, 1, 0, b.baseAddress)
        }
    }

    func set(_ v: UInt) { __gmpz_set_ui(p, v) }

    /// Minimal big-endian bytes (empty for zero).
    var bytes: [UInt8] {
        if poies_mpz_sgn(p) == 0 { return [] }
        let n = (__gmpz_sizeinbase(p, 2) + 7) / 8
        var out = [UInt8](repeating: 0, count: n)
        var written = 0
        out.withUnsafeMutableBufferPointer { b in
            _ = __gmpz_export(b.baseAddress, &written, 1, 1, 1, 0, p)
        }
        return out
    }

    var bitCount: Int { poies_mpz_sgn(p) == 0 ? 0 : Int(__gmpz_sizeinbase(p, 2)) }

    func compare(_ other: MPZ) -> Int32 { __gmpz_cmp(p, other.p) }

    var allocatedLimbs: Int { Int(poies_mpz_alloc(p)) }
}
