import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A CouchDB database reached over HTTP, with the same API as a local
/// `Database`, so it can be either end of a replication.
///
/// Every call is one or a few requests of CouchDB's HTTP API: `info` is
/// `GET /db`, `changes` is `GET /db/_changes`, `bulkDocs` is
/// `POST /db/_bulk_docs`, and so on. Errors the server reports arrive as
/// `PouchError`s with CouchDB's `error`, `reason` and status; a failed
/// exchange arrives as `network_error`, `timeout` or `bad_response`.
///
/// ```swift
/// let db = RemoteDatabase(url: URL(string: "https://user:pass@example.org/medic")!)
/// let info = try await db.info()
/// ```
public final class RemoteDatabase: DocumentDatabase, Sendable {
    /// The database URL without credentials: the name replications know
    /// this database by.
    public let identity: String
    /// The database URL without credentials.
    public let url: URL
    let client: HTTPClient
    /// Set once the server has shown it has no usable `_bulk_get`.
    let usesBulkGetFallback = Mutex(false)

    /// How many `GET` requests the `_bulk_get` fallback keeps in flight.
    static let fallbackConcurrency = 8

    /// A database at `url`, with basic authentication when the URL carries
    /// `user:password@`.
    public convenience init(url: URL) {
        self.init(url: url, credentials: nil)
    }

    /// A database at `url` with explicit settings.
    ///
    /// - Parameters:
    ///   - credentials: Overrides any `user:password@` in `url`.
    ///   - headers: Added to every request, such as a proxy's token.
    ///   - timeouts: How long to wait for answers.
    ///   - sessionConfiguration: The basis of the URLSession (proxy, TLS
    ///     and connection settings); cookies, caching and credential
    ///     storage are turned off in a copy of it.
    public convenience init(
        url: URL, credentials: RemoteCredentials?, headers: [String: String] = [:],
        timeouts: RemoteTimeouts = RemoteTimeouts(),
        sessionConfiguration: URLSessionConfiguration = .ephemeral
    ) {
        self.init(
            url: url, credentials: credentials, headers: headers, timeouts: timeouts,
            sessionConfiguration: sessionConfiguration, transport: .automatic)
    }

    /// A database at `url` whose requests go through `transport`, so tests
    /// can run the URLSession path against plain `http://` servers too.
    package init(
        url: URL, credentials: RemoteCredentials? = nil, headers: [String: String] = [:],
        timeouts: RemoteTimeouts = RemoteTimeouts(),
        sessionConfiguration: URLSessionConfiguration = .ephemeral,
        transport: RemoteTransportChoice
    ) {
        let location = DatabaseLocation(url)
        self.url = URL(string: location.databaseURL) ?? url
        identity = location.databaseURL
        client = HTTPClient(
            databaseURL: location.databaseURL, serverURL: location.serverURL,
            credentials: credentials ?? location.credentials, headers: headers,
            timeouts: timeouts, configuration: sessionConfiguration, transport: transport)
    }

    /// The database's summary, from `GET /db`.
    public func info() async throws -> DatabaseInfo {
        let body = try await client.json(HTTPRequest("GET"))
        return try RemoteDecoding.databaseInfo(body)
    }

    /// Creates the database with `PUT /db`.
    ///
    /// - Throws: `file_exists` (412) when it exists already.
    public func create() async throws {
        _ = try await client.json(HTTPRequest("PUT"))
    }

    /// Deletes the database and every document in it with `DELETE /db`.
    ///
    /// - Throws: `not_found` when there is no such database.
    public func destroy() async throws {
        _ = try await client.json(HTTPRequest("DELETE"))
    }

    /// Whether the database exists, from `HEAD /db`.
    public func exists() async throws -> Bool {
        let response = try await client.send(HTTPRequest("HEAD"))
        if response.isSuccess { return true }
        if response.status == 404 { return false }
        throw response.error()
    }
}

/// A database URL taken apart: the URL without credentials, the server root
/// above it, and the credentials it carried.
struct DatabaseLocation {
    var databaseURL: String
    var serverURL: String
    var credentials: RemoteCredentials?

    init(_ url: URL) {
        var components = URLComponents(url: url, resolvingAgainstBaseURL: true) ?? URLComponents()
        if let user = components.user {
            credentials = .basic(username: user, password: components.password ?? "")
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        components.percentEncodedPath = path
        databaseURL = components.string ?? url.absoluteString

        let parent = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? ""
        components.percentEncodedPath = parent
        serverURL = components.string ?? databaseURL
    }
}
