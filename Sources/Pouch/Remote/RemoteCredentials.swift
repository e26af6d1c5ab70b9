import Foundation

/// A user name and password for a CouchDB server, and how to present them.
public struct RemoteCredentials: Sendable, Equatable {
    /// How credentials reach the server.
    public enum Scheme: Sendable, Equatable {
        /// An `Authorization: Basic` header on every request.
        case basic
        /// A session cookie from `POST /_session`, as CouchDB's cookie
        /// authentication hands out; logged in again once when the server
        /// answers 401.
        case cookie
    }

    /// The CouchDB user name.
    public var username: String
    /// The password; never logged or shown in an error.
    public var password: String
    /// How the credentials reach the server.
    public var scheme: Scheme

    /// Credentials presented with `scheme` (basic by default).
    public init(username: String, password: String, scheme: Scheme = .basic) {
        self.username = username
        self.password = password
        self.scheme = scheme
    }

    /// Credentials sent as HTTP basic authentication.
    public static func basic(username: String, password: String) -> RemoteCredentials {
        RemoteCredentials(username: username, password: password, scheme: .basic)
    }

    /// Credentials exchanged for a CouchDB session cookie.
    public static func cookie(username: String, password: String) -> RemoteCredentials {
        RemoteCredentials(username: username, password: password, scheme: .cookie)
    }

    /// The `Authorization` header value for basic authentication.
    var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
