/// The limits a server puts on clients, so that one client cannot exhaust it.
public struct HTTPLimits: Sendable, Equatable {
    /// The largest request line plus header fields, in bytes; larger heads
    /// are answered 431.
    public var maxHeaderBytes: Int
    /// The largest request body, in bytes; larger bodies are answered 413
    /// with CouchDB's `too_large` error (CouchDB's `max_http_request_size`).
    public var maxBodyBytes: Int
    /// How long a connection may stay silent, between requests or in the
    /// middle of one, before the server closes it.
    public var idleTimeout: Duration
    /// How long a client has to send a complete request head (request line
    /// and header fields): from the connection's opening for its first
    /// request, from the first byte for later ones. A head still partial
    /// then is answered 408 and the connection closed; a new connection
    /// that sent nothing is closed. A client that trickles header lines
    /// cannot keep a connection for ever.
    public var headTimeout: Duration
    /// The most connections served at once. When all are taken, a new
    /// connection makes room by closing the connection idle the longest
    /// (one waiting, with nothing received, for its next request); when
    /// none is idle, it is answered 503 and closed at once.
    public var maxConnections: Int

    public init(
        maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int = 64 * 1024 * 1024,
        idleTimeout: Duration = .seconds(60), headTimeout: Duration = .seconds(30),
        maxConnections: Int = 512
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.maxConnections = maxConnections
    }
}
