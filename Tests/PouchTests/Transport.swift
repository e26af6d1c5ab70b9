import Foundation
import Pouch
import Testing

/// The two transports a `RemoteDatabase` sends requests through, so the
/// remote suites assert the same requests, answers and errors over each:
/// every test server is plain `http://` on 127.0.0.1, which would otherwise
/// exercise the socket transport only.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The automatic choice: keep-alive sockets for plain `http://`
    /// without a proxy.
    case sockets
    /// Foundation's URLSession, as for `https://` and proxied servers.
    case urlSession

    var testDescription: String { rawValue }

    var choice: RemoteTransportChoice {
        switch self {
        case .sockets: .automatic
        case .urlSession: .urlSession
        }
    }

    /// A `RemoteDatabase` at `url` whose requests go through this transport.
    func database(
        url: URL, credentials: RemoteCredentials? = nil, headers: [String: String] = [:],
        timeouts: RemoteTimeouts = RemoteTimeouts()
    ) -> RemoteDatabase {
        RemoteDatabase(
            url: url, credentials: credentials, headers: headers, timeouts: timeouts,
            transport: choice)
    }
}
