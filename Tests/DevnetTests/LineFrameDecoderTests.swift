import Devnet
import NIOCore
import NIOTestUtils
import Testing

/// The Stratum line framer on its own, through NIO's decoder verifier: every input is fed drip
/// by drip, whole, and several at once, in shuffled order, and must give the same frames.
@Suite struct LineFrameDecoderTests {
    static func buffer(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

    @Test func framesLinesWhateverTheChunking() throws {
        let b = Self.buffer
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (b("{\"id\":1}\n"), [.line(b("{\"id\":1}"))]),
                (b("crlf\r\n"), [.line(b("crlf"))]),
                (b("\n"), [.line(b(""))]),
                (b("two\nlines\n"), [.line(b("two")), .line(b("lines"))]),
                // Exactly at the limit is a line; one byte over is reported once and skipped to
                // its newline, and the next line is intact.
                (b(String(repeating: "a", count: 16) + "\n"), [.line(b(String(repeating: "a", count: 16)))]),
                (b(String(repeating: "x", count: 40) + "\nafter\n"), [.oversized, .line(b("after"))]),
            ],
            decoderFactory: { LineFrameDecoder(maxLineLength: 16) })
    }
}
