/// The devnet node: chain store, validation, templates, built-in miner, JSON-RPC, WebSocket
/// getwork, Stratum and /metrics (placeholder until the devnet issue lands).
public enum DevnetModule {}
