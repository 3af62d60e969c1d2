import COpenSSL

/// Process-wide OpenSSL settings for programs (not libraries) built on MiningCore.
public enum OpenSSLProcess {
    /// Keeps OpenSSL from tearing itself down in an `atexit` handler. A command that returns
    /// while worker threads still hash (a node's template builder, a verifier task) would
    /// otherwise race `exit()` against those threads and crash in OpenSSL's freed tables — seen
    /// as a rare SIGSEGV when `simctl mine --blocks N` finishes. The OS reclaims everything at
    /// exit anyway. Must run before any other OpenSSL call (first thing in `main`); returns
    /// whether OpenSSL accepted it.
    @discardableResult
    public static func skipCleanupAtExit() -> Bool {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
    }
}
