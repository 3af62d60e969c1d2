import Testing
@testable import PoIESSim

/// Network mode: propagation delays, forks and fork choice (fixed seeds in the scenarios).
@Suite struct NetworkTests {
    static let toml = """
        [scenario]
        seed = 31
        blocks = 6000
        [chain]
        thetaMicro0 = 9000000
        [network]
        propagation = 0.3
        [[miners]]
        name = "a"
        hashrate = 3000.0
        [[miners]]
        name = "b"
        hashrate = 3000.0
        [[miners]]
        name = "far"
        hashrate = 3000.0
        propagation = 2.0
        """

    @Test func delaysCreateOrphansAndCanonicalChainIsContiguous() throws {
        let sc = try SimFixture.scenario(Self.toml)
        #expect(!sc.network.isInstant)
        let (rows, st) = try SimFixture.blocks(sc)
        let canonical = rows.filter { !$0.orphaned }.map(\.height)
        #expect(canonical == Array(0..<6000))
        #expect(st.orphans > 0)
        #expect(rows.filter(\.orphaned).count == st.orphans)
        // The far group hears of blocks 2 s late, so more of its blocks lose forks.
        let farRate = Double(st.groups[2].orphans) / Double(st.groups[2].blocks + st.groups[2].orphans)
        let aRate = Double(st.groups[0].orphans) / Double(st.groups[0].blocks + st.groups[0].orphans)
        #expect(farRate > aRate)
        // Canonical intervals are time differences along the chain.
        let canon = rows.filter { !$0.orphaned }
        for i in 1..<canon.count { #expect(abs(canon[i].interval - (canon[i].time - canon[i - 1].time)) < 1e-9) }
    }

    @Test func instantPropagationHasNoOrphans() throws {
        let sc = try SimFixture.scenario(Self.toml, ["network.propagation=0", "miners.far.propagation=0"])
        #expect(sc.network.isInstant)
        let (rows, st) = try SimFixture.blocks(sc)
        #expect(st.orphans == 0)
        #expect(rows.allSatisfy { !$0.orphaned })
    }
}
