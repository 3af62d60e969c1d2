/// One template's worth of scanning input: the midstate (sign-bytes, mixSeed, extranonce1) and
/// the two targets. Plain bytes in; the threshold math that produces the targets lives elsewhere.
public struct ScanWork: Sendable, Equatable {
    public let midstate: UDrawMidstate
    public let targets: ScanTargets
    /// Added to every thread's extranonce2, so two works over the same template (e.g. one job
    /// re-issued at a new share threshold) scan disjoint nonces and never find a share twice.
    public var extranonce2Offset: UInt32 = 0

    public init(midstate: UDrawMidstate, targets: ScanTargets) {
        self.midstate = midstate
        self.targets = targets
    }

    /// Why the bytes cannot be scanned; the description names the field.
    public enum InputError: Error, Equatable, CustomStringConvertible {
        case midstate(UDrawMidstate.InputError)
        case shareTarget(ScanTarget.InputError)
        case blockTarget(ScanTarget.InputError)

        public var description: String {
            switch self {
            case .midstate(let e): return e.description
            case .shareTarget(let e): return "share " + e.description
            case .blockTarget(let e): return "block " + e.description
            }
        }
    }

    /// - Parameters:
    ///   - signBytes: the template's 303 sign-bytes.
    ///   - mixSeed: the 32-byte mixSeed.
    ///   - extranonce1: the session's extranonce1 (0 for solo mining).
    ///   - shareTarget: X(tShare) as 32 big-endian bytes, or nil when no x qualifies.
    ///   - blockTarget: X(Θ − Σψ) as 32 big-endian bytes, or nil when no x qualifies.
    public init(
        signBytes: [UInt8], mixSeed: [UInt8], extranonce1: UInt32,
        shareTarget: [UInt8]?, blockTarget: [UInt8]?
    ) throws(InputError) {
        do {
            midstate = try UDrawMidstate(signBytes: signBytes, mixSeed: mixSeed, extranonce1: extranonce1)
        } catch { throw .midstate(error) }
        let share: ScanTarget?
        let block: ScanTarget?
        do { share = try shareTarget.map { (b) throws(ScanTarget.InputError) in try ScanTarget(bigEndianBytes: b) } }
        catch { throw .shareTarget(error) }
        do { block = try blockTarget.map { (b) throws(ScanTarget.InputError) in try ScanTarget(bigEndianBytes: b) } }
        catch { throw .blockTarget(error) }
        targets = ScanTargets(share: share, block: block)
    }
}
