/// Which transport a `RemoteDatabase` sends its requests through; for the
/// package's own tests, which run the same behaviour over both.
package enum RemoteTransportChoice: String, CaseIterable, Sendable {
    /// Keep-alive sockets for plain `http://` without a proxy, URLSession
    /// otherwise: what the public initializers use.
    case automatic
    /// Always URLSession, as for `https://` and proxied servers.
    case urlSession
}
