import Foundation
import Pouch
import Synchronization

/// A CouchDB 3.x HTTP API server over local databases, so that CouchDB,
/// PouchDB or another Pouch can replicate with a Linux service.
///
/// ```swift
/// let server = try PouchServer(configuration: ServerConfiguration(
///     dataDirectory: directory, port: 0, admin: .init(name: "admin", password: "secret")))
/// try await server.start()
/// print(server.port)
/// server.stop()
/// ```
public final class PouchServer: Sendable {
    public let configuration: ServerConfiguration
    /// The databases served.
    public let provider: any DatabaseProvider
    let authenticator: Authenticator
    /// Identifies this server in `GET /`.
    let uuid: String
    private let hostRoutes = Mutex(Router())
    private let databaseView = Mutex<DatabaseView?>(nil)
    private let stopWaiters = Mutex<(stopped: Bool, waiters: [CheckedContinuation<Void, Never>])>(
        (false, []))
    private let couchRoutes: Router
    private let http: HTTPServer
    static let logger = Logger("server")

    /// A server over `provider`'s databases.
    public init(configuration: ServerConfiguration, provider: any DatabaseProvider) {
        self.configuration = configuration
        self.provider = provider
        var users = configuration.users
        if let admin = configuration.admin {
            users.append(
                .admin(
                    name: admin.name, password: admin.password,
                    iterations: configuration.passwordIterations))
        }
        authenticator = Authenticator(
            users: users, sessionTimeout: configuration.sessionTimeout,
            secret: configuration.sessionSecret)
        uuid = randomHex(bytes: 16)
        couchRoutes = CouchEndpoints.router()
        let box = HandlerBox()
        http = HTTPServer(
            host: configuration.host, port: configuration.port, limits: configuration.limits,
            handler: { request in await box.server?.handle(request) ?? .error(.notFound()) })
        box.server = self
    }

    /// A server over the SQLite files of `configuration.dataDirectory`.
    /// Unless the configuration gives a `sessionSecret`, the key signing
    /// session cookies is kept in the directory (`.session-secret`, mode
    /// 0600), so cookies survive a restart as CouchDB's do.
    public convenience init(configuration: ServerConfiguration) throws {
        let provider = try DirectoryDatabaseProvider(directory: configuration.dataDirectory)
        var configuration = configuration
        if configuration.sessionSecret == nil {
            configuration.sessionSecret = try SessionSecret.load(in: configuration.dataDirectory)
        }
        self.init(configuration: configuration, provider: provider)
    }

    deinit {
        http.stop()
    }

    /// The port listened on, once started.
    public var port: Int { http.port }

    /// Adds a route answered before CouchDB's own, for a host program's
    /// endpoints (such as CHT's `/api/v1/replication/get-ids`). `path` is
    /// `/`-separated with `{name}` and a final `{name*}` parameter.
    public func addRoute(
        method: String, path: String, handler: @escaping RouteHandler
    ) {
        hostRoutes.withLock { $0.add(method, path, handler) }
    }

    /// Sets the view through which every CouchDB endpoint sees a database,
    /// once the request has passed the database's `_security` check: a
    /// host program can hand a user a filtered database (as CHT's API
    /// filters `medic` for offline users) or refuse the endpoint by
    /// throwing. Server-admin endpoints that open no database (`PUT /db`,
    /// `DELETE /db`) do not consult it.
    public func setDatabaseView(_ view: @escaping DatabaseView) {
        databaseView.withLock { $0 = view }
    }

    /// `database` as `request` may use it, through the view if one is set.
    func view(
        _ database: any ServedDatabase, for request: ServerRequest
    ) async throws -> any ServedDatabase {
        guard let view = databaseView.withLock({ $0 }) else { return database }
        return try await view(request, database)
    }

    /// Starts listening. Refuses a non-loopback address when no admin is
    /// configured, since every client would then be an admin.
    public func start() async throws {
        guard configuration.admin != nil || configuration.isLoopback else {
            throw PouchError.forbidden(
                "an admin must be configured to listen on \(configuration.host)")
        }
        try http.start()
        Self.logger.info("listening on \(baseURL)")
    }

    /// `http://HOST:PORT` of the address listened on, an IPv6 address in
    /// brackets (`http://[::1]:5984`, RFC 3986); meaningful after `start()`.
    public var baseURL: String { Self.baseURL(host: configuration.host, port: http.port) }

    static func baseURL(host: String, port: Int) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(bracketed):\(port)"
    }

    /// Stops listening and closes every connection.
    public func stop() {
        http.stop()
        let waiters = stopWaiters.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        Self.logger.info("stopped")
    }

    /// Starts listening and returns once `stop()` has been called, for a
    /// program whose only job is serving (such as `pouch serve`).
    public func run() async throws {
        try await start()
        await waitUntilStopped()
    }

    /// Returns once `stop()` has been called (at once if it already was).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stopped = stopWaiters.withLock { state in
                if !state.stopped { state.waiters.append(continuation) }
                return state.stopped
            }
            if stopped { continuation.resume() }
        }
    }

    func routes() -> (host: Router, couch: Router) {
        (hostRoutes.withLock { $0 }, couchRoutes)
    }
}

/// Turns the database a request opened into the one it works on; see
/// `PouchServer.setDatabaseView(_:)`.
public typealias DatabaseView =
    @Sendable (ServerRequest, any ServedDatabase) async throws -> any ServedDatabase

/// Lets the HTTP handler reach the server that owns it without a cycle
/// at initialisation. Written once in `PouchServer.init` before any
/// request can arrive; read-only afterwards.
private final class HandlerBox: @unchecked Sendable {
    weak var server: PouchServer?
}

/// `bytes` random bytes as lowercase hexadecimal.
func randomHex(bytes: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexDigits
}
