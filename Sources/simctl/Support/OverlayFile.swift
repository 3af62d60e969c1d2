import MiningCore

/// Reads a selection overlay (`--overlay FILE`) from disk and applies it to the network policy:
/// the one place the command line turns an overlay path into the caps a miner selects under.
/// Errors read `FILE:LINE: key …`, so an editor can jump to the line.
enum OverlayFile {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// The policy's caps tightened by the overlay at `path`; throws if it cannot be read, is not
    /// a valid overlay, or loosens any of `policy`'s limits.
    static func load(_ path: String, policy: Policy) throws -> CapsPolicy {
        let text = try ChainFile.read(path)
        do {
            return try SelectionOverlay(toml: text).apply(to: policy)
        } catch {
            throw Invalid(description: error.located(file: path))
        }
    }
}
