/// The discrete-event simulator (placeholder until the simulator issue lands).
public enum PoIESSimModule {}
