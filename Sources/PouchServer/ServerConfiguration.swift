import Foundation

/// How a `PouchServer` is set up: where its databases live, where it
/// listens, and who may use it.
public struct ServerConfiguration: Sendable {
    /// A server admin's name and password, as given in CouchDB's `[admins]`.
    public struct Admin: Sendable {
        public var name: String
        public var password: String

        public init(name: String, password: String) {
            self.name = name
            self.password = password
        }
    }

    /// The directory holding one SQLite file per database.
    public var dataDirectory: URL
    /// The address to listen on; anything but loopback needs an admin.
    public var host: String
    /// The port; 0 picks a free one, readable from `PouchServer.port`.
    public var port: Int
    /// The server admin; without one every client is treated as an admin
    /// (CouchDB 1.x's "admin party") and only loopback is allowed.
    public var admin: Admin?
    /// Other users (not admins unless given the `_admin` role).
    public var users: [ServerUser]
    /// Request size and idle limits.
    public var limits: HTTPLimits
    /// Seconds an `AuthSession` cookie stays valid (CouchDB's default 600).
    public var sessionTimeout: Int
    /// PBKDF2 iterations used to hash the admin's password.
    public var passwordIterations: Int
    /// The key signing `AuthSession` cookies (CouchDB's `[chttpd_auth]
    /// secret`). `nil`: a server over a data directory keeps one there,
    /// others pick a random one per process.
    public var sessionSecret: [UInt8]? = nil

    public init(
        dataDirectory: URL, host: String = "127.0.0.1", port: Int = 5984,
        admin: Admin? = nil, users: [ServerUser] = [], limits: HTTPLimits = HTTPLimits(),
        sessionTimeout: Int = 600, passwordIterations: Int = 10_000
    ) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.admin = admin
        self.users = users
        self.limits = limits
        self.sessionTimeout = sessionTimeout
        self.passwordIterations = passwordIterations
    }

    /// Whether `host` names a loopback address.
    var isLoopback: Bool {
        let lower = host.lowercased()
        return lower == "localhost" || lower == "::1" || lower == "[::1]"
            || lower.hasPrefix("127.")
    }
}
