import MiningCore
import Foundation
import Synchronization
import Testing
import TestSupport

/// The fast Keccak-f[1600], the u-draw midstate and the nonce scanner. Randomised tests use
/// fixed SplitMix64 seeds (named in each test).
@Suite struct KeccakScannerTests {
    static func bytes(_ n: Int, _ rng: inout SplitMix64) -> [UInt8] {
        (0 ..< n).map { _ in UInt8.random(in: 0 ... 255, using: &rng) }
    }

    static func preimage(_ sign: [UInt8], _ mix: [UInt8], _ e1: UInt32, _ e2: UInt32, _ c: UInt64) -> [UInt8] {
        sign + UDrawMidstate.nonce(extranonce1: e1, extranonce2: e2, counter: c) + mix
    }

    // MARK: midstate

    @Test func midstateDrawEqualsOneShotKeccak512() throws {
        var rng = SplitMix64(seed: 0x5CA1_AB1E)  // fixed seed
        for _ in 0 ..< 200 {
            let sign = Self.bytes(303, &rng), mix = Self.bytes(32, &rng)
            let e1 = UInt32.random(in: 0 ... .max, using: &rng)
            let e2 = UInt32.random(in: 0 ... .max, using: &rng)
            // Counters with every byte position exercised, including the top byte (lane 2).
            let c = UInt64.random(in: 0 ... .max, using: &rng) >> UInt64.random(in: 0 ..< 64, using: &rng)
            let m = try UDrawMidstate(signBytes: sign, mixSeed: mix, extranonce1: e1)
            let pre = Self.preimage(sign, mix, e1, e2, c)
            #expect(pre.count == UDrawMidstate.preimageCount)
            #expect(m.digest(extranonce2: e2, counter: c) == Keccak512.hash(pre), "e1 \(e1) e2 \(e2) c \(c)")
        }
    }

    @Test func midstateMatchesEveryUDrawVector() throws {
        let root = try #require(try loadVectorJSON("udraw.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        #expect(cases.count == 20)
        for c in cases {
            let sign = try Hex.decode(try #require(c["signBytes"] as? String))
            let nonce = try Hex.decode(try #require(c["nonce"] as? String))
            let tpl = try #require(c["template"] as? [String: Any])
            let domain = try #require(tpl["nonceDomain"] as? [String: Any])
            let mix = try Hex.decode(try #require(domain["mixSeed"] as? String))
            let want = try #require(c["keccak"] as? String)
            func be<T: FixedWidthInteger>(_ s: ArraySlice<UInt8>, _: T.Type) -> T { s.reduce(0) { $0 << 8 | T($1) } }
            let e1 = be(nonce[0 ..< 4], UInt32.self), e2 = be(nonce[4 ..< 8], UInt32.self)
            let counter = be(nonce[8 ..< 16], UInt64.self)
            #expect(UDrawMidstate.nonce(extranonce1: e1, extranonce2: e2, counter: counter) == nonce)
            let m = try UDrawMidstate(signBytes: sign, mixSeed: mix, extranonce1: e1)
            #expect(Hex.encode(m.digest(extranonce2: e2, counter: counter)) == want)
        }
    }

    /// With exact targets from ``Threshold/X(t:)``: each vector's nonce is a hit at t = H and
    /// not at t = H + 1, and the scanner agrees with `H(x) ≥ t` on nearby counters.
    @Test func scannerAgreesWithExactThresholdsOnUDrawVectors() throws {
        let root = try #require(try loadVectorJSON("udraw.json") as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        for c in cases.prefix(8) {
            let sign = try Hex.decode(try #require(c["signBytes"] as? String))
            let nonceHex = try #require(c["nonce"] as? String)
            let nonce = try Nonce(hex: nonceHex)
            let tpl = try #require(c["template"] as? [String: Any])
            let domain = try #require(tpl["nonceDomain"] as? [String: Any])
            let mix = try Hex.decode(try #require(domain["mixSeed"] as? String))
            let h = Int64(try #require(c["H"] as? Int))
            let m = try UDrawMidstate(signBytes: sign, mixSeed: mix, extranonce1: nonce.extranonce1)
            let targets = try ScanTargets(shareBytes: Threshold.X(t: h), blockBytes: Threshold.X(t: h + 1))
            let one = nonce.counter ..< nonce.counter + 1
            let hits = NonceScan.scanRange(m, extranonce2: nonce.extranonce2, counters: one, targets: targets)
            #expect(hits.count == 1 && hits[0].isShare && !hits[0].isBlock && hits[0].nonce == nonce.bytes)
            // Neighbouring counters: hit flags equal H(x) ≥ t exactly.
            let around = nonce.counter &- 20 ..< nonce.counter &+ 20
            let found = NonceScan.scanRange(m, extranonce2: nonce.extranonce2, counters: around, targets: targets)
            for k in around {
                let x = Array(m.digest(extranonce2: nonce.extranonce2, counter: k)[0 ..< 32])
                let hx = HashLuck.H(x: x)
                let hit = found.first { $0.counter == k }
                #expect((hit?.isShare ?? false) == (hx >= h))
                #expect((hit?.isBlock ?? false) == (hx >= h + 1))
            }
        }
    }

    @Test func badLengthsAreNamedErrors() {
        #expect(throws: UDrawMidstate.InputError.signBytesLength(302)) {
            try UDrawMidstate(signBytes: [UInt8](repeating: 0, count: 302), mixSeed: [UInt8](repeating: 0, count: 32), extranonce1: 0)
        }
        #expect(throws: UDrawMidstate.InputError.mixSeedLength(31)) {
            try UDrawMidstate(signBytes: [UInt8](repeating: 0, count: 303), mixSeed: [UInt8](repeating: 0, count: 31), extranonce1: 0)
        }
        #expect(throws: ScanWork.InputError.blockTarget(.wrongLength(33))) {
            try ScanWork(signBytes: [UInt8](repeating: 0, count: 303), mixSeed: [UInt8](repeating: 0, count: 32),
                         extranonce1: 0, shareTarget: nil, blockTarget: [UInt8](repeating: 0, count: 33))
        }
        #expect(ScanWork.InputError.shareTarget(.wrongLength(3)).description.contains("share target"))
    }

    // MARK: SIMD lanes

    @Test func simdPermutationsEqualScalarPerLane() {
        var rng = SplitMix64(seed: 0xD1CE)  // fixed seed
        for _ in 0 ..< 20 {
            var states = (0 ..< 8).map { _ in
                var s = KeccakLanes<UInt64>()
                for i in 0 ..< 25 { s[i] = rng.next() }
                return s
            }
            var v2 = KeccakLanes<SIMD2<UInt64>>(repeating: .zero)
            var v4 = KeccakLanes<SIMD4<UInt64>>(repeating: .zero)
            var v8 = KeccakLanes<SIMD8<UInt64>>(repeating: .zero)
            for i in 0 ..< 25 {
                for j in 0 ..< 8 {
                    if j < 2 { v2[i][j] = states[j][i] }
                    if j < 4 { v4[i][j] = states[j][i] }
                    v8[i][j] = states[j][i]
                }
            }
            KeccakF1600.permute(&v2)
            KeccakF1600.permute(&v4)
            KeccakF1600.permute(&v8)
            for j in 0 ..< 8 { KeccakF1600.permute(&states[j]) }
            for i in 0 ..< 25 {
                for j in 0 ..< 8 {
                    if j < 2 { #expect(v2[i][j] == states[j][i]) }
                    if j < 4 { #expect(v4[i][j] == states[j][i]) }
                    #expect(v8[i][j] == states[j][i])
                }
            }
        }
    }

    /// The AVX-512 build is the default exactly where the CPU runs it; elsewhere `.avx512` falls
    /// back to the portable loop (the kernel tests below run it either way).
    @Test func defaultKernelIsTheFastestTheCPURuns() {
        let avx = NonceScan.Kernel.avx512.isAvailable
        #expect(NonceScan.Kernel.default == (avx ? .avx512 : .scalar))
        #expect(NonceScan.Kernel.allCases.filter { !$0.isAvailable } == (avx ? [] : [.avx512]))
        #expect(NonceScan.Kernel.avx512.width == 8)
    }

    @Test(arguments: NonceScan.Kernel.allCases)
    func everyKernelFindsTheScalarHits(kernel: NonceScan.Kernel) throws {
        var rng = SplitMix64(seed: 0xC0FFEE)  // fixed seed
        let m = try UDrawMidstate(signBytes: Self.bytes(303, &rng), mixSeed: Self.bytes(32, &rng), extranonce1: 9)
        // Top word 2^59: about 1 draw in 32 passes the filter, 1 in 64 is a share.
        let targets = ScanTargets(share: ScanTarget(w0: 1 << 58, w1: 0, w2: 0, w3: 0),
                                  block: ScanTarget(w0: 1 << 53, w1: .max, w2: .max, w3: .max))
        // An odd start and length so the vector kernels' scalar tail runs too.
        let range: Range<UInt64> = 0xFF_FFFF_FFFF_FFF3 ..< 0x100_0000_0000_0000 + 1000
        let got = NonceScan.scanRange(m, extranonce2: 77, counters: range, targets: targets, kernel: kernel)
        var want: [ScanHit] = []
        for c in range {
            if let h = NonceScan.confirm(m, extranonce2: 77, counter: c, targets: targets) { want.append(h) }
        }
        #expect(want.count > 10)
        #expect(want.contains { $0.isBlock })
        #expect(got == want)
    }

    // MARK: threshold compare

    /// x ≤ X as big-endian byte strings (lexicographic order on equal lengths).
    static func lessOrEqual(_ x: [UInt8], _ t: [UInt8]) -> Bool { !t.lexicographicallyPrecedes(x) }

    @Test func targetCompareAgreesWithBigIntegerCompare() throws {
        var rng = SplitMix64(seed: 256)  // fixed seed; 10^5 draws
        var sawEqual = false, sawBelow = false, sawAbove = false
        for _ in 0 ..< 100_000 {
            let x = Self.bytes(32, &rng)
            var t = x
            // Targets around the boundary: equal, or x with one byte nudged by ±1 (with carry
            // left implicit: a nudged byte changes the order at that byte), or fully random.
            switch UInt8.random(in: 0 ..< 4, using: &rng) {
            case 0: break
            case 1, 2:
                let k = Int.random(in: 0 ..< 32, using: &rng)
                t[k] = t[k] &+ (UInt8.random(in: 0 ... 1, using: &rng) == 0 ? 1 : 255)
            default: t = Self.bytes(32, &rng)
            }
            let want = Self.lessOrEqual(x, t)
            let target = try ScanTarget(bigEndianBytes: t)
            let xt = try ScanTarget(bigEndianBytes: x)
            #expect(target.bigEndianBytes == t)
            #expect((xt <= target) == want)
            #expect(target.admits(xt.w0, xt.w1, xt.w2, xt.w3) == want)
            #expect(target.admits(bigEndianBytes: x) == want)
            if x == t { sawEqual = true } else if want { sawBelow = true } else { sawAbove = true }
        }
        #expect(sawEqual && sawBelow && sawAbove)
    }

    @Test func scannerHitsAreExactlyTheDrawsAtOrBelowTheTargets() throws {
        var rng = SplitMix64(seed: 0xB0DA_2E)  // fixed seed
        let m = try UDrawMidstate(signBytes: Self.bytes(303, &rng), mixSeed: Self.bytes(32, &rng), extranonce1: 1)
        let range: Range<UInt64> = 1000 ..< 3000
        let xs = range.map { c in Array(m.digest(extranonce2: 5, counter: c)[0 ..< 32]) }
        // Targets equal to (and one below) the x of real draws, so equality and off-by-one bite.
        let sortedX = xs.sorted { $0.lexicographicallyPrecedes($1) }
        for rank in [0, 1, 7, 31, 32, 100] {
            let share = sortedX[rank]
            var block = sortedX[rank / 2]
            // block − 1 (big-endian borrow), so the draw equal to the old value is excluded.
            var k = 31
            while block[k] == 0 { block[k] = 0xFF; k -= 1 }
            block[k] -= 1
            let targets = try ScanTargets(shareBytes: share, blockBytes: block)
            for kernel in NonceScan.Kernel.allCases {
                let hits = NonceScan.scanRange(m, extranonce2: 5, counters: range, targets: targets, kernel: kernel)
                let want = zip(range, xs).filter { Self.lessOrEqual($0.1, share) || Self.lessOrEqual($0.1, block) }
                #expect(hits.map(\.counter) == want.map(\.0), "rank \(rank) \(kernel)")
                for h in hits {
                    #expect(h.isShare == Self.lessOrEqual(h.x, share))
                    #expect(h.isBlock == Self.lessOrEqual(h.x, block))
                    #expect(h.digest == m.digest(extranonce2: 5, counter: h.counter))
                    #expect(h.nonce == UDrawMidstate.nonce(extranonce1: 1, extranonce2: 5, counter: h.counter))
                }
            }
            #expect(NonceScan.scanRange(m, extranonce2: 5, counters: range, targets: targets).count == rank + 1)
        }
    }

    @Test func eitherTargetIsTheLargerAndNilMeansNothingQualifies() throws {
        let lo = ScanTarget(w0: 1, w1: 0, w2: 0, w3: 0), hi = ScanTarget(w0: 1, w1: 0, w2: 0, w3: 1)
        #expect(ScanTargets(share: lo, block: hi).either == hi)
        #expect(ScanTargets(share: hi, block: lo).either == hi)
        #expect(ScanTargets(share: nil, block: lo).either == lo)
        #expect(ScanTargets(share: nil, block: nil).either == nil)
        var rng = SplitMix64(seed: 3)  // fixed seed
        let m = try UDrawMidstate(signBytes: Self.bytes(303, &rng), mixSeed: Self.bytes(32, &rng), extranonce1: 0)
        #expect(NonceScan.scanRange(m, extranonce2: 0, counters: 0 ..< 100, targets: ScanTargets(share: nil, block: nil)).isEmpty)
        #expect(NonceScan.scanRange(m, extranonce2: 0, counters: 0 ..< 100, targets: ScanTargets(share: .max, block: nil)).count == 100)
    }

    // MARK: threads

    static func work(seed: UInt64, share: ScanTarget?) throws -> ScanWork {
        var rng = SplitMix64(seed: seed)
        let m = try UDrawMidstate(signBytes: bytes(303, &rng), mixSeed: bytes(32, &rng), extranonce1: 0xABCD)
        return ScanWork(midstate: m, targets: ScanTargets(share: share, block: ScanTarget(w0: 1 << 52, w1: 0, w2: 0, w3: 0)))
    }

    @Test func multiThreadScanFindsExactlyTheSingleThreadHits() async throws {
        let work = try Self.work(seed: 11, share: ScanTarget(w0: 1 << 57, w1: 0, w2: 0, w3: 0))
        let found = Mutex<[ScanEvent]>([])
        let scanner = NonceScanner(
            configuration: .init(threads: 3, extranonce2Base: 40, batchSize: 999, countersPerThread: 6000)
        ) { e in found.withLock { $0.append(e) } }
        let gen = scanner.submit(work)
        scanner.waitUntilIdle()
        scanner.stop()
        #expect(scanner.hashCount == 3 * 6000)
        var want: [ScanHit] = []
        for e2 in UInt32(40) ..< 43 {
            want += NonceScan.scanRange(work.midstate, extranonce2: e2, counters: 0 ..< 6000, targets: work.targets, kernel: .scalar)
        }
        let got = found.withLock { $0 }
        #expect(want.count > 100)
        #expect(got.allSatisfy { $0.generation == gen })
        #expect(Set(got.map(\.hit)) == Set(want))
        #expect(got.count == want.count)
        // With a callback the stream stays empty: nothing is buffered for a reader that never
        // comes (that once held every hit of a node's miner in memory).
        var streamed: [ScanEvent] = []
        var it = scanner.events.makeAsyncIterator()
        while let e = await it.next() { streamed.append(e) }
        #expect(streamed.isEmpty)
    }

    struct SpinTimeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "waited 60 s for \(what)" }
    }

    /// Polls `done` every millisecond; fails the test (throws, naming `what`) after 60 s.
    static func spin(_ what: String, _ done: () -> Bool) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !done() {
            guard ContinuousClock.now < deadline else { throw SpinTimeout(what: what) }
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    @Test func stopTakesEffectWithinOneBatchPerThread() throws {
        let work = try Self.work(seed: 12, share: .max)  // every draw is a share
        let scanner = NonceScanner(configuration: .init(threads: 2, batchSize: 500))
        scanner.submit(work)
        try Self.spin("2,000 hashes") { scanner.hashCount >= 2000 }
        let overrun = scanner.stop()
        #expect(overrun <= 2 * 500)
        let after = scanner.hashCount
        Thread.sleep(forTimeInterval: 0.02)
        #expect(scanner.hashCount == after)  // the threads have exited: nothing hashes after stop()
    }

    @Test func templateChangeTakesEffectWithinOneBatchPerThread() throws {
        let a = try Self.work(seed: 13, share: .max), b = try Self.work(seed: 14, share: .max)
        let perGeneration = Mutex<[UInt64: Int]>([:])
        let scanner = NonceScanner(configuration: .init(threads: 2, batchSize: 300)) { e in
            perGeneration.withLock { $0[e.generation, default: 0] += 1 }
        }
        let ga = scanner.submit(a)
        try Self.spin("1,000 events of the first job") { perGeneration.withLock({ $0[ga, default: 0] }) >= 1000 }
        let gb = scanner.submit(b)
        let atChange = perGeneration.withLock { $0[ga, default: 0] }
        try Self.spin("1,000 events of the second job") { perGeneration.withLock({ $0[gb, default: 0] }) >= 1000 }
        scanner.stop()
        let final = perGeneration.withLock { $0 }
        #expect(gb == ga + 1)
        #expect(final[ga, default: 0] - atChange <= 2 * 300)  // ≤ one batch per thread
        #expect(final[gb, default: 0] >= 1000)
    }

    /// A throttled scanner never runs ahead of its cap (an upper bound: a slow machine can only
    /// stay further below it), still makes progress, and stops promptly while it is asleep.
    @Test func throttledScannerStaysUnderItsCapAndStopsPromptly() throws {
        let work = try Self.work(seed: 16, share: nil)
        let cap = 40_000.0, batch = 1000
        let scanner = NonceScanner(configuration: .init(threads: 2, batchSize: batch, maxHashesPerSecond: cap))
        let clock = ContinuousClock()
        let start = clock.now
        scanner.submit(work)
        Thread.sleep(forTimeInterval: 0.5)
        let hashed = scanner.hashCount
        let elapsed = clock.now - start
        let seconds = elapsed.inSeconds
        // Each thread may start one batch at t = 0 before the pace applies.
        #expect(Double(hashed) <= cap * seconds + Double(2 * batch))
        #expect(hashed >= UInt64(2 * batch))
        let t0 = clock.now
        scanner.stop()
        #expect(clock.now - t0 < .milliseconds(500))  // naps are ≤ 20 ms
    }

    @Test func scannerWithoutQualifyingTargetIdles() throws {
        let work = ScanWork(midstate: try Self.work(seed: 15, share: nil).midstate, targets: ScanTargets(share: nil, block: nil))
        let scanner = NonceScanner(configuration: .init(threads: 2))
        scanner.submit(work)
        scanner.waitUntilIdle()
        #expect(scanner.hashCount == 0)
        scanner.stop()
    }
}
