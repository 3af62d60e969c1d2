import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of the node's HTTP server: Hummingbird's WebSocket context plus the
/// peer's address, which the `/ws` route needs for the per-address cap and offences
/// (``PeerRegistry``). Contexts made without a channel (router tests) have no address.
public struct DevnetRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }
}
