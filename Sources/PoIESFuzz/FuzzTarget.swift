/// The fuzz targets of issue 15 item 6. Each `run` feeds one input to a product reader and traps
/// (`preconditionFailure`) when an invariant breaks, so libFuzzer records the input as a crash;
/// rejecting the input with a typed error is the expected outcome for almost all of them.
enum FuzzTarget: String, CaseIterable, Sendable {
    /// `StrictJSON.parse`: canonical output re-parses to the same value.
    case json
    /// `Policy(toml:)`.
    case policy
    /// `ChainDocument(toml:)`: an accepted document's canonical JSON is accepted again, unchanged.
    case chain
    /// `Scenario.parse(toml:file:)`.
    case scenario
    /// `LineFrameDecoder` → `StratumInbound.parse` → `StratumSession`, with fixed jobs and a fake clock.
    case stratum
    /// `Verifiers.verify(jsonText:)` on envelopes of every type (seeds: one valid envelope per type).
    case envelope

    /// The target libFuzzer calls (set once in main before the driver starts).
    nonisolated(unsafe) static var selected: FuzzTarget = .json

    /// One-time setup outside the measured loop (builds the fixed contexts).
    func prepare() {
        switch self {
        case .envelope: _ = EnvelopeFuzz.context
        case .stratum: _ = StratumFuzz.jobs
        default: break
        }
    }

    func run(_ input: [UInt8]) {
        switch self {
        case .json: JSONFuzz.run(input)
        case .policy, .chain, .scenario: TOMLFuzz.run(input, reader: self)
        case .stratum: StratumFuzz.run(input)
        case .envelope: EnvelopeFuzz.run(input)
        }
    }
}

/// libFuzzer's per-input entry point (also referenced by libFuzzer's own `main`, which the
/// executable's `main` replaces; see main.swift).
@_cdecl("LLVMFuzzerTestOneInput")
func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.selected.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
