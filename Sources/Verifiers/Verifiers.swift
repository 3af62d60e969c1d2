/// Pure, deterministic verifiers of spec section 8 (placeholder until the verifiers issue lands).
public enum VerifiersModule {}
