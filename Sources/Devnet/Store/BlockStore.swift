import Foundation
import GRDB
import MiningCore
import Synchronization
import Verifiers

/// Why the block store could not be opened or written.
public enum BlockStoreError: Error, CustomStringConvertible {
    /// The data directory belongs to another chain document (their roots differ).
    case wrongChain(dataDir: String, stored: String, expected: String)
    /// The data directory was created before chain documents (spec v1), for another genesis.
    case legacyChain(dataDir: String, stored: String, expected: String)
    /// A stored row could not be read back (a corrupted or foreign database).
    case corrupt(String)
    /// Another node (process `pid`) has the data directory open.
    case locked(dataDir: String, pid: String)
    /// The data directory itself cannot be used.
    case io(String)

    public var description: String {
        switch self {
        case .wrongChain(let d, let s, let e):
            return "data-dir \(d) holds the chain with document root \(s), not \(e) (the --chain given); use that chain document or another --data-dir"
        case .legacyChain(let d, let s, let e):
            return "data-dir \(d) holds a chain from before chain documents (\(s)), not the chain with document root \(e); use another --data-dir"
        case .corrupt(let m): return "the block store is corrupt: \(m)"
        case .locked(let d, let pid):
            return "data-dir \(d) is in use by another node (pid \(pid)); stop that node or use another --data-dir"
        case .io(let m): return m
        }
    }
}

/// The node's blocks in SQLite (GRDB), WAL mode with `synchronous = FULL`: a block, its proofs
/// and the nullifiers it records are written in ONE transaction together with the new head, so a
/// block the node has acknowledged survives any crash, and a half-written block never appears.
public final class BlockStore: Sendable {
    public let path: String
    let pool: DatabasePool
    let config: ChainConfig
    private let lock: DataDirLock
    /// Tests: a failure every write reports instead of writing (an injected full disk).
    let writeFault = Mutex<String?>(nil)

    /// Opens (creating if needed) `dataDir/chain.sqlite` for `config`'s chain and stores genesis.
    public init(dataDir: String, config: ChainConfig) throws {
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
        lock = try DataDirLock(dataDir: dataDir)
        path = (dataDir as NSString).appendingPathComponent("chain.sqlite")
        self.config = config
        var c = Configuration()
        c.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        c.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: c)
        try Self.migrator.migrate(pool)
        let genesis = config.genesis
        // The chain document's root, recorded at creation: a data dir is never reopened with
        // another document (a silent fork). The genesis hash binds the root too (algPolicy), so
        // the second check only catches a store written by an incompatible build.
        let root = Hex.encode(config.algPolicyRoot)
        let chain = "chainId \(config.chainId) genesis \(Hex.encode(genesis.hash))"
        try pool.write { db in
            let storedRoot = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'chainRoot'")
            if let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'chain'") {
                guard let storedRoot else { throw BlockStoreError.legacyChain(dataDir: dataDir, stored: stored, expected: root) }
                guard storedRoot == root else { throw BlockStoreError.wrongChain(dataDir: dataDir, stored: storedRoot, expected: root) }
                guard stored == chain else { throw BlockStoreError.corrupt("meta.chain is '\(stored)', expected '\(chain)' for chain root \(root)") }
                return
            }
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('chain', ?)", arguments: [chain])
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('chainRoot', ?)", arguments: [root])
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES ('chainDocument', ?)", arguments: [config.document.canonicalJSON])
            try self.insert(ValidatedBlock(block: genesis, record: .genesis(config), proofs: []), db: db)
            try Self.setHead(genesis.hash, db: db)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE blocks (
                    hash BLOB PRIMARY KEY, height INTEGER NOT NULL, parentHash BLOB NOT NULL,
                    time INTEGER NOT NULL, mixSeed BLOB NOT NULL, thetaMicro INTEGER NOT NULL,
                    retargetTheta INTEGER NOT NULL, retargetEma REAL NOT NULL, h INTEGER NOT NULL,
                    psiMicro INTEGER NOT NULL, cumulativeScore INTEGER NOT NULL, proofTypes TEXT NOT NULL,
                    body TEXT NOT NULL);
                CREATE INDEX blocks_height ON blocks(height);
                CREATE TABLE proofs (
                    blockHash BLOB NOT NULL REFERENCES blocks(hash), idx INTEGER NOT NULL, typeId TEXT NOT NULL,
                    nullifier BLOB NOT NULL, psiAdjMicro INTEGER NOT NULL, creditedMicro INTEGER NOT NULL,
                    body TEXT NOT NULL, PRIMARY KEY (blockHash, idx));
                CREATE TABLE nullifiers (
                    nullifier BLOB NOT NULL, height INTEGER NOT NULL, blockHash BLOB NOT NULL REFERENCES blocks(hash),
                    PRIMARY KEY (nullifier, blockHash));
                CREATE INDEX nullifiers_height ON nullifiers(height);
                """)
        }
        // The main chain by height, so a node answers any height from SQLite without holding
        // the chain in memory. Existing stores are filled by walking back from their head once.
        m.registerMigration("v2-mainchain") { db in
            try db.execute(sql: "CREATE TABLE mainchain (height INTEGER PRIMARY KEY, hash BLOB NOT NULL)")
            if let s = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'head'"),
               let head = try? Hex.decode(s, bytes: 32) {
                try Self.updateMainChain(to: head, db: db)
            }
        }
        return m
    }

    /// Points `mainchain` at the branch ending at `tip`: drops heights above it and rewrites
    /// heights until the branch meets the stored main chain (one row for a block on the head).
    static func updateMainChain(to tip: [UInt8], db: Database) throws {
        guard var height = try Int64.fetchOne(db, sql: "SELECT height FROM blocks WHERE hash = ?", arguments: [Data(tip)]) else {
            throw BlockStoreError.corrupt("head \(Hex.encode(tip)) is not stored")
        }
        try db.execute(sql: "DELETE FROM mainchain WHERE height > ?", arguments: [height])
        var hash = Data(tip)
        while true {
            if let stored = try Data.fetchOne(db, sql: "SELECT hash FROM mainchain WHERE height = ?", arguments: [height]),
               stored == hash { return }
            try db.execute(sql: "INSERT OR REPLACE INTO mainchain(height, hash) VALUES (?, ?)", arguments: [height, hash])
            guard height > 0,
                  let parent = try Data.fetchOne(db, sql: "SELECT parentHash FROM blocks WHERE hash = ?", arguments: [hash]) else { return }
            hash = parent
            height -= 1
        }
    }

    /// Writes `block` with its proofs and nullifiers, and moves the head to it when `makeHead`,
    /// in one transaction. Returns after the commit is durable.
    public func append(_ block: ValidatedBlock, makeHead: Bool) throws {
        if let fault = writeFault.withLock({ $0 }) { throw BlockStoreError.io(fault) }
        try pool.write { db in
            try self.insert(block, db: db)
            if makeHead { try Self.setHead(block.record.hash, db: db) }
        }
    }

    /// Closes the database and gives the data directory up, so another store (or node) can open
    /// it at once; later writes fail. Idempotent.
    public func close() {
        try? pool.close()
        lock.release()
    }

    /// Whether the store takes a write again after a failure: commits a 4 KiB probe row (about a
    /// block's worth), so a disk with a few bytes free does not pass for a writable one.
    public func probeWrite() throws {
        if let fault = writeFault.withLock({ $0 }) { throw BlockStoreError.io(fault) }
        try pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('probe', ?)",
                           arguments: [String(repeating: "p", count: 4096)])
        }
    }

    /// Moves the head (after a reorg to a stored block).
    public func setHead(_ hash: [UInt8]) throws {
        try pool.write { db in try Self.setHead(hash, db: db) }
    }

    static func setHead(_ hash: [UInt8], db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('head', ?)", arguments: [Hex.encode(hash)])
        try updateMainChain(to: hash, db: db)
    }

    func insert(_ v: ValidatedBlock, db: Database) throws {
        let r = v.record
        let retarget = config.storedRetarget(r.retarget)
        try db.execute(sql: """
            INSERT INTO blocks(hash, height, parentHash, time, mixSeed, thetaMicro, retargetTheta, retargetEma, h,
                               psiMicro, cumulativeScore, proofTypes, body)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [Data(r.hash), Int64(r.height), Data(r.parentHash), Int64(r.time), Data(r.mixSeed),
                             r.thetaMicro, retarget.theta, retarget.ema, r.h, r.psiMicro, r.cumulativeScore,
                             r.proofTypes.map(\.wireId).joined(separator: ","), v.block.json.canonical])
        for (i, p) in v.block.proofs.enumerated() {
            let c = v.proofs[i]
            try db.execute(sql: """
                INSERT INTO proofs(blockHash, idx, typeId, nullifier, psiAdjMicro, creditedMicro, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [Data(r.hash), i, p.type.wireId, Data(p.nullifier), c.psiAdjMicro, c.creditedMicro,
                                 p.body.canonical])
            try db.execute(sql: "INSERT OR IGNORE INTO nullifiers(nullifier, height, blockHash) VALUES (?, ?, ?)",
                           arguments: [Data(p.nullifier), Int64(r.height), Data(r.hash)])
        }
    }

    /// The stored head hash.
    public func headHash() throws -> [UInt8] {
        try pool.read { db in
            guard let s = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'head'"),
                  let b = try? Hex.decode(s, bytes: 32) else { throw BlockStoreError.corrupt("no head") }
            return b
        }
    }

    /// The columns a ``BlockRecord`` is read from: every one but `body`, the block's JSON (~1 KB a
    /// block), which the in-memory index never reads.
    static let recordColumns = "hash, height, parentHash, time, mixSeed, thetaMicro, retargetTheta, retargetEma, h, psiMicro, cumulativeScore, proofTypes"

    /// The records of the last `window` heights below the highest stored block (what the node's
    /// in-memory index holds), in height order; blocks of one height in insertion order.
    public func recentRecords(window: UInt64) throws -> [BlockRecord] {
        try pool.read { db in try recentRecords(window: window, db: db) }
    }

    /// What the node's ``ChainIndex`` is rebuilt from at start: ``recentRecords(window:)`` and
    /// ``nullifiersByBlock(fromHeight:)`` from the lowest of them, in one transaction.
    ///
    /// Read on the writer connection: the writer's page cache (2 MB) fills up as soon as the
    /// node stores blocks, a fresh node's too, so the pages the load brought in are recycled by
    /// later writes. Read on a reader, they stayed in that connection's own cache, which a
    /// running node barely uses: ~2 MB more heap in use than a fresh node (glibc's
    /// `malloc_stats`), ~1 MB more RSS (docs/decisions/devnet-node-state.md). A deferred
    /// transaction that only reads writes nothing. Ties in height order by insertion; the
    /// index does not depend on the order (fork choice is a total order).
    public func startupWindow(_ window: UInt64) throws -> (records: [BlockRecord], nullifiers: [[UInt8]: [Nullifier]]) {
        try pool.write { db in
            let records = try recentRecords(window: window, db: db)
            return (records, try nullifiersByBlock(fromHeight: records.first?.height ?? 0, db: db))
        }
    }

    /// Streamed through a cursor, one row at a time, without `body` (the block's JSON, ~1 KB) and
    /// without a sort: a load's transient peak stays in glibc's heap after it is freed, so it
    /// is the restart's RSS. `SELECT *` into an array of rows with `ORDER BY height, hash`
    /// (which sorted the bodies too) left a restart on a 200,000-block store ~16 MB above the
    /// node that had mined it; the blocks of one height come in `blocks_height` order.
    func recentRecords(window: UInt64, db: Database) throws -> [BlockRecord] {
        let top = try Int64.fetchOne(db, sql: "SELECT MAX(height) FROM blocks") ?? 0
        let from = max(0, top - Int64(min(window, UInt64(Int64.max))))
        var out: [BlockRecord] = []
        out.reserveCapacity(Int(top - from + 1))
        let rows = try Row.fetchCursor(db, sql: "SELECT \(Self.recordColumns) FROM blocks WHERE height >= ? ORDER BY height",
                                       arguments: [from])
        while let row = try rows.next() { out.append(try record(row)) }
        return out
    }

    /// The record of the block with `hash`.
    public func record(hash: [UInt8]) throws -> BlockRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM blocks WHERE hash = ?", arguments: [Data(hash)]).map(record)
        }
    }

    /// The stored main chain's record at `height`.
    public func mainRecord(atHeight height: UInt64) throws -> BlockRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT b.* FROM mainchain m JOIN blocks b ON b.hash = m.hash WHERE m.height = ?",
                             arguments: [Int64(height)]).map(record)
        }
    }

    /// Every block record, in height order (tools and tests; the node reads ``recentRecords(window:)``).
    public func allRecords() throws -> [BlockRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM blocks ORDER BY height, hash").map(record)
        }
    }

    /// The block with `hash`.
    public func block(hash: [UInt8]) throws -> Block? {
        try pool.read { db in
            guard let body = try String.fetchOne(db, sql: "SELECT body FROM blocks WHERE hash = ?", arguments: [Data(hash)]) else {
                return nil
            }
            do {
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))
                return try Block(json: json)
            } catch {
                throw BlockStoreError.corrupt("block \(Hex.encode(hash)): \(error)")
            }
        }
    }

    /// Nullifiers with the hash of the block that recorded them, for heights `≥ fromHeight`.
    public func nullifiers(fromHeight: UInt64) throws -> [(nullifier: [UInt8], height: UInt64, blockHash: [UInt8])] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT nullifier, height, blockHash FROM nullifiers WHERE height >= ?",
                             arguments: [Int64(fromHeight)]).map {
                (Array($0["nullifier"] as Data), UInt64($0["height"] as Int64), Array($0["blockHash"] as Data))
            }
        }
    }

    /// The nullifiers recorded at heights `≥ fromHeight`, grouped by the hash of the block that
    /// recorded them. A stored value that is not a nullifier is skipped, as the node always did.
    public func nullifiersByBlock(fromHeight: UInt64) throws -> [[UInt8]: [Nullifier]] {
        try pool.read { db in try nullifiersByBlock(fromHeight: fromHeight, db: db) }
    }

    /// Streamed from a cursor into the map, with no array of rows or tuples in between (see
    /// ``recentRecords(window:db:)``).
    func nullifiersByBlock(fromHeight: UInt64, db: Database) throws -> [[UInt8]: [Nullifier]] {
        var out: [[UInt8]: [Nullifier]] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT nullifier, blockHash FROM nullifiers WHERE height >= ?",
                                       arguments: [Int64(fromHeight)])
        while let row = try rows.next() {
            guard let n = try? Nullifier(bytes: Array(row["nullifier"] as Data)) else { continue }
            out[Array(row["blockHash"] as Data), default: []].append(n)
        }
        return out
    }

    func record(_ row: Row) throws -> BlockRecord {
        let types = (row["proofTypes"] as String).split(separator: ",").map { s -> ProofType in
            ProofType(wireId: String(s)) ?? .hashShare
        }
        return BlockRecord(
            hash: Array(row["hash"] as Data), height: UInt64(row["height"] as Int64),
            parentHash: Array(row["parentHash"] as Data), time: UInt64(row["time"] as Int64),
            mixSeed: Array(row["mixSeed"] as Data), thetaMicro: row["thetaMicro"],
            retarget: config.retargetState(theta: row["retargetTheta"], ema: row["retargetEma"]), h: row["h"],
            psiMicro: row["psiMicro"], cumulativeScore: row["cumulativeScore"], proofTypes: types)
    }
}
