// Keccak-f[1600] and the scan loop live in the small KeccakCore module (so KeccakCoreAVX512 can
// compile the same source for AVX-512); MiningCore's users see them as part of MiningCore.
@_exported import KeccakCore
