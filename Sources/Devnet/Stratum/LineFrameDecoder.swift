import NIOCore

/// One newline-delimited frame, or the marker for a line that exceeded the limit.
public enum LineFrame: Sendable, Equatable {
    /// The line's bytes without `\n` (and without a trailing `\r`).
    case line(ByteBuffer)
    /// A line longer than the limit: its bytes were discarded up to its newline.
    case oversized
}

/// Splits a byte stream into lines of at most `maxLineLength` bytes. A longer line is reported
/// once as ``LineFrame/oversized`` as soon as the limit is crossed, and its remaining bytes are
/// discarded up to the next newline — memory per connection stays bounded by the limit, and the
/// connection remains usable for the lines that follow.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = LineFrame

    public let maxLineLength: Int
    private var discarding = false

    public init(maxLineLength: Int = 16 * 1024) {
        self.maxLineLength = maxLineLength
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        if let nl = view.firstIndex(of: UInt8(ascii: "\n")) {
            let length = nl - view.startIndex
            if discarding {
                discarding = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .continue
            }
            if length > maxLineLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(Self.wrapInboundOut(.oversized))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
            context.fireChannelRead(Self.wrapInboundOut(.line(line)))
            return .continue
        }
        if view.count > maxLineLength {
            buffer.moveReaderIndex(forwardBy: view.count)
            if !discarding {
                discarding = true
                context.fireChannelRead(Self.wrapInboundOut(.oversized))
            }
        }
        return .needMoreData
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A final unterminated line is dropped: every message ends with `\n`.
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
