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
    /// The most connections served at once; more wait in the listen queue.
    public var maxConnections: Int

    public init(
        maxHeaderBytes: Int = 64 * 1024, maxBodyBytes: Int = 64 * 1024 * 1024,
        idleTimeout: Duration = .seconds(60), maxConnections: Int = 512
    ) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
