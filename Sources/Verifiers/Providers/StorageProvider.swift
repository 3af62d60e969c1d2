import Foundation
import MiningCore

/// A dev storage provider keeping a real sector file (the one place in Verifiers that does I/O):
/// creates or loads the file, keeps the Merkle tree in memory and reads challenged leaves from
/// disk to answer heartbeats.
public struct StorageProvider: Sendable {
    public enum FileError: Error, Equatable, CustomStringConvertible {
        case cannotWrite(String)
        case cannotRead(String)
        case badSize(String, Int)

        public var description: String {
            switch self {
            case .cannotWrite(let p): return "cannot write sector file '\(p)'"
            case .cannotRead(let p): return "cannot read sector file '\(p)'"
            case .badSize(let p, let n): return "sector file '\(p)' has \(n) bytes; expected a positive multiple of 4096"
            }
        }
    }

    public let key: Ed25519.PrivateKey
    public let path: String
    public let sector: StorageSector

    /// Writes `leafCount` dev leaves (``StorageSector/devLeaf(dataSeed:index:)``) to `path`.
    public static func create(key: Ed25519.PrivateKey, path: String, leafCount: Int, dataSeed: UInt64) throws(FileError) -> StorageProvider {
        precondition(leafCount >= 1)
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else { throw .cannotWrite(path) }
        defer { try? h.close() }
        var hashes = [[UInt8]]()
        hashes.reserveCapacity(leafCount)
        for i in 0..<leafCount {
            let leaf = StorageSector.devLeaf(dataSeed: dataSeed, index: UInt64(i))
            do { try h.write(contentsOf: Data(leaf)) } catch { throw .cannotWrite(path) }
            hashes.append(BinaryMerkle.leafHash(leaf))
        }
        return StorageProvider(key: key, path: path, sector: StorageSector(leafHashes: hashes))
    }

    /// Loads an existing sector file and rebuilds its tree.
    public static func load(key: Ed25519.PrivateKey, path: String) throws(FileError) -> StorageProvider {
        guard let data = FileManager.default.contents(atPath: path) else { throw .cannotRead(path) }
        let n = StorageChallenge.leafSize
        guard !data.isEmpty, data.count % n == 0 else { throw .badSize(path, data.count) }
        let bytes = [UInt8](data)
        let hashes = stride(from: 0, to: bytes.count, by: n).map { BinaryMerkle.leafHash(bytes[$0..<($0 + n)]) }
        return StorageProvider(key: key, path: path, sector: StorageSector(leafHashes: hashes))
    }

    private init(key: Ed25519.PrivateKey, path: String, sector: StorageSector) {
        self.key = key
        self.path = path
        self.sector = sector
    }

    /// Reads leaf `index` from the file.
    public func readLeaf(_ index: UInt64) throws(FileError) -> [UInt8] {
        guard let h = FileHandle(forReadingAtPath: path) else { throw .cannotRead(path) }
        defer { try? h.close() }
        do {
            try h.seek(toOffset: index * UInt64(StorageChallenge.leafSize))
            guard let d = try h.read(upToCount: StorageChallenge.leafSize), d.count == StorageChallenge.leafSize else {
                throw FileError.cannotRead(path)
            }
            return [UInt8](d)
        } catch { throw .cannotRead(path) }
    }

    public func proveBody(parentHash: [UInt8], epoch: UInt64, challenges: Int, ticketClients: [Ed25519.PrivateKey] = [],
                          dishonesty: StorageProver.Dishonesty = .honest) throws(FileError) -> StorageProofBody {
        do {
            return try StorageProver.proveBody(key: key, sector: sector, parentHash: parentHash, epoch: epoch,
                                               challenges: challenges, ticketClients: ticketClients,
                                               dishonesty: dishonesty, leaf: { try readLeaf($0) })
        } catch let e as FileError { throw e } catch { throw .cannotRead(path) }
    }

    public func prove(parentHash: [UInt8], epoch: UInt64, challenges: Int, chainId: UInt32,
                      ticketClients: [Ed25519.PrivateKey] = [], dishonesty: StorageProver.Dishonesty = .honest) throws(FileError) -> ProofEnvelope {
        let body = try proveBody(parentHash: parentHash, epoch: epoch, challenges: challenges,
                                 ticketClients: ticketClients, dishonesty: dishonesty)
        return ProofEnvelope(type: .storage, body: body.json, nullifier: body.nullifier(chainId: chainId))
    }
}
