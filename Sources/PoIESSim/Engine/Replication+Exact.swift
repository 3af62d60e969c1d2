import MiningCore

/// Exact mode (`mode = "hash"`): instead of the closed-form rate, every hash is simulated. Hashes
/// arrive as a Poisson process at the total effective hashrate; each belongs to a miner group in
/// proportion to its hashrate and draws a real Keccak-512 u-draw (spec §3, through the scanner's cached midstate) over sign-bytes of the
/// block being mined. A hash wins when its first 32 digest bytes are ≤ X(t) with
/// t = max(0, Θ − Σψ) — the scanner's integer test — and the block's H is then computed exactly
/// by `UDraw`. For small scenarios (Θ of a few nats); it validates the rate mode.
struct ExactState {
    var parentHash: [UInt8] = Array(repeating: 0, count: 32)
    var mixSeed: [UInt8] = Array(repeating: 0, count: 32)
    var signBytes: [UInt8] = []
    var counter: UInt64 = 0
    /// X(t) per target t, for the current template.
    var thresholds: [Int64: [UInt8]?] = [:]
    /// The scanner's cached 4-block midstate per group (extranonce1 = group) for this template.
    var midstates: [Int: UDrawMidstate] = [:]
    var coinbaseHashes: [[UInt8]]
}

extension Replication {
    static let chainId: UInt32 = 1337

    mutating func setUpExact() {
        exact = ExactState(coinbaseHashes: sc.miners.map { SHA3_256.hash(Array($0.name.utf8)) })
        newTemplate()
    }

    /// Sign-bytes (spec §2 layout) for the block at `height` on the current parent and Θ.
    /// The coinbase is left zero here and bound per group through the nonce's extranonce1.
    mutating func newTemplate() {
        var b: [UInt8] = [1, 17]
        b += Array("animica:u-draw:v1".utf8)
        func be<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.bigEndian) { b += $0 } }
        be(Self.chainId)
        be(UInt64(height))
        be(UInt64(max(0, tipTime * 1000).rounded(.down)))
        be(UInt64(max(0, theta)))
        b += exact!.parentHash
        b += Array(repeating: 0, count: 32 * 6)  // state/txs/proofs/da roots, policy roots
        b += Array(repeating: 0, count: 32)      // coinbase hash (groups differ by extranonce1)
        exact!.signBytes = b
        exact!.thresholds = [:]
        exact!.midstates = [:]
    }

    /// Total hashes per second (the exact mode's event rate).
    var totalHashrate: Double { eff.reduce(0, +) }

    /// One simulated hash at `now`; returns the winner and its H when it seals a block.
    mutating func hashOnce() -> (Int, Int64)? {
        let total = totalHashrate
        var r = rngWinner.uniformOpen() * total
        var g = 0
        while g < eff.count - 1 && (eff[g] <= 0 || r >= eff[g]) { r -= eff[g]; g += 1 }
        let t = max(0, theta - credited[g])
        let x: [UInt8]?
        if let cached = exact!.thresholds[t] { x = cached } else {
            x = Threshold.X(t: t)
            exact!.thresholds[t] = x
        }
        exact!.counter &+= 1
        let e2 = UInt32(truncatingIfNeeded: rep)
        let nonce = Nonce(extranonce1: UInt32(g), extranonce2: e2, counter: exact!.counter)
        let mid: UDrawMidstate
        if let m = exact!.midstates[g] { mid = m } else {
            mid = try! UDrawMidstate(signBytes: exact!.signBytes, mixSeed: exact!.mixSeed, extranonce1: UInt32(g))
            exact!.midstates[g] = mid
        }
        let digest = mid.digest(extranonce2: e2, counter: exact!.counter)
        guard Threshold.meets(digest[0..<32], x) else { return nil }
        let result = UDraw.draw(signBytes: exact!.signBytes, nonce: nonce, mixSeed: exact!.mixSeed)
        exact!.parentHash = result.blockHash
        exact!.mixSeed = SHA3_256.hash(Array("animica:mixseed:v1".utf8) + exact!.mixSeed + result.blockHash)
        return (g, result.H)
    }
}
