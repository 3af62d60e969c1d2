/// The named VDF moduli a policy's `vdfModuli` may list (spec section 8). Groups of unknown order:
/// nobody may know their factorisation.
public enum VDFModuli {
    /// The RSA-2048 challenge number (RSA Laboratories, 1991; never factored), in decimal as
    /// published, so it can be checked against the record by eye.
    public static let rsa2048Decimal =
        "25195908475657893494027183240048398571429282126204032027777137836043662020707595556264018525880784406918290641249515082189298559149176184502808489120072844992687392807287776735971418347270261896375014971824691165077613379859095700097330459748808428401797429100642458691817195118746121515172654632282216869987549182422433637259085141865462043576798423387184774447920739934236584823824281198163815010674810451660377306056201619676256133844143603833904414952634432190114657544454178424020924616515723350778707749817125772467962926386356373289912154831438167899885040445364023527381951378636564391212010397122822120720357"

    public static let rsa2048: GMPInteger = GMPInteger(digits: rsa2048Decimal, base: 10)!

    /// Every built-in modulus by its policy name.
    public static let named: [String: GMPInteger] = ["rsa2048": rsa2048]

    /// The modulus called `name`, if built in.
    public static func modulus(named name: String) -> GMPInteger? { named[name] }

    /// The policy name of a modulus given as minimal big-endian bytes, restricted to `allowed`.
    public static func name(of bytes: [UInt8], allowed: [String]) -> String? {
        allowed.first { namedBytes[$0] == bytes }
    }

    /// Minimal big-endian bytes of each modulus, computed once for the byte comparison above.
    static let namedBytes: [String: [UInt8]] = named.mapValues(\.bytes)
}
