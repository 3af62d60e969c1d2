import MiningCore

/// The seeded generator behind the dev providers' noise and sector data, so a run is reproducible
/// from its seed (never used by verifiers): MiningCore's ``SplitMix64``.
public typealias ProviderRNG = SplitMix64
