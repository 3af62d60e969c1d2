extension HeaderTemplate {
    /// Length of the fixed sign-bytes layout (spec section 2).
    public static let signBytesCount = 303

    /// SHA3-256 of the UTF-8 bytes of `coinbase` (sign-bytes offset 271).
    public var coinbaseHash: [UInt8] { SHA3_256.hash(Array(coinbase.utf8)) }

    /// The 303 sign-bytes of spec section 2. Every field has a fixed size, so a scanner can cache
    /// the Keccak midstate of the first 288 bytes (4 rate blocks) of the u-draw preimage.
    ///
    /// | offset | size | field |
    /// |---|---|---|
    /// | 0 | 1 | version = 1 |
    /// | 1 | 1 | tag length = 17 |
    /// | 2 | 17 | `animica:u-draw:v1` |
    /// | 19 | 4 | chainId (u32 BE) |
    /// | 23 | 8 | height (u64 BE) |
    /// | 31 | 8 | time ms (u64 BE) |
    /// | 39 | 8 | thetaMicro (u64 BE) |
    /// | 47… | 8 × 32 | parentHash, stateRoot, txsRoot, proofsRoot, daRoot, poiesPolicy, algPolicy, coinbaseHash |
    public var signBytes: [UInt8] {
        precondition(nonceDomain.uDomainTag == Self.uDomainTag, "v1 sign-bytes require uDomainTag \(Self.uDomainTag)")
        let hashes = [parentHash, stateRoot, txsRoot, proofsRoot, daRoot, policyRoots.poiesPolicy, policyRoots.algPolicy]
        for h in hashes { precondition(h.count == 32, "template hashes are 32 bytes") }
        var out = [UInt8]()
        out.reserveCapacity(Self.signBytesCount)
        let tag = Array(Self.uDomainTag.utf8)
        out.append(1)
        out.append(UInt8(tag.count))
        out += tag
        out.appendBigEndian(chainId)
        out.appendBigEndian(height)
        out.appendBigEndian(time)
        out.appendBigEndian(UInt64(clamping: params.thetaMicro))
        for h in hashes { out += h }
        out += coinbaseHash
        assert(out.count == Self.signBytesCount)
        return out
    }

    /// `templateHash = SHA3-256(signBytes)`: the template's identity in shares and nullifiers.
    public var templateHash: [UInt8] { SHA3_256.hash(signBytes) }
}
