import ArgumentParser
import Foundation
import MiningCore

/// `simctl inspect udraw`: the u-draw of spec section 3 for one template and nonce.
struct InspectUDraw: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udraw",
        abstract: "Sign-bytes, templateHash and the u-draw (keccak, u, H, blockHash) of a template and nonce.",
        discussion: """
            The template file is the bare template JSON object served to miners (spec section 2; \
            '-' reads stdin). Prints {"signBytes","templateHash","keccak","u","H","blockHash"}, \
            hashes as 0x-hex and H in µ-nats.
            """
    )

    @Option(name: .customLong("template"), help: "Template JSON file (bare template object), or '-' for stdin.")
    var template: String?

    @Option(name: .customLong("nonce"), parsing: .unconditional, help: "Nonce: 0x + 32 hex digits.")
    var nonce: String?

    func run() throws {
        let path = try InspectArguments.required(template, "--template", "a template JSON file")
        let nonceText = try InspectArguments.required(nonce, "--nonce", "0x + 32 hex digits")
        let data = try CLI.readFile(path, field: "--template")
        let t: HeaderTemplate
        do { t = try HeaderTemplate.decode(json: data) } catch {
            throw CLI.fail(error.field.isEmpty ? "--template" : "--template \(error.field)", error.expected)
        }
        let n: Nonce
        do { n = try Nonce(hex: nonceText) } catch {
            throw CLI.fail("--nonce", "expected 0x + 32 hex digits: \(error)")
        }
        let signBytes = t.signBytes
        let r = UDraw.draw(signBytes: signBytes, nonce: n, mixSeed: t.nonceDomain.mixSeed)
        CLI.printJSON([
            "signBytes": .string(Hex.encode(signBytes)),
            "templateHash": .string(Hex.encode(SHA3_256.hash(signBytes))),
            "keccak": .string(Hex.encode(r.keccak)),
            "u": .string(Hex.encode(r.u)),
            "H": .int(r.H),
            "blockHash": .string(Hex.encode(r.blockHash)),
        ])
    }
}
