import Foundation

/// One request to a CouchDB server, before credentials and custom headers
/// are added: a method, a path below the database (or the server root), the
/// query and an optional body.
struct HTTPRequest: Sendable {
    /// What `path` is relative to.
    enum Base: Sendable {
        /// The database URL, such as `http://host:5984/db`.
        case database
        /// The server root, such as `http://host:5984`, for `/_session`.
        case server
    }

    var method: String
    /// The already percent-encoded path after the base and a `/`; empty
    /// for the base itself.
    var path: String
    /// Names and values, unencoded; encoded when the URL is built.
    var query: [(name: String, value: String)] = []
    var body: Data? = nil
    var contentType: String? = nil
    var accept = "application/json"
    var base = Base.database
    /// How long the server may wait on purpose before answering (a long
    /// poll's `timeout`), added to the client's idle timeout.
    var serverWait: TimeInterval = 0

    init(_ method: String, _ path: String = "", base: Base = .database) {
        self.method = method
        self.path = path
        self.base = base
    }

    /// Adds `name=value` to the query.
    mutating func add(_ name: String, _ value: String) {
        query.append((name, value))
    }

    /// Adds `name=true` when `flag` is set, as CouchDB's Boolean options.
    mutating func add(_ name: String, flag: Bool) {
        if flag { query.append((name, "true")) }
    }

    /// Adds `name=<JSON text>`, as CouchDB reads `startkey`, `open_revs`,
    /// `atts_since` and other JSON-valued options.
    mutating func add(_ name: String, json: JSON) {
        query.append((name, json.serialized()))
    }

    /// Sets a JSON body.
    mutating func setBody(_ json: JSON) {
        setBody(bytes: json.serializedBytes())
    }

    /// Sets a JSON body already serialised.
    mutating func setBody(bytes: [UInt8]) {
        body = Data(bytes)
        contentType = "application/json"
    }

    /// The percent-encoded query string, without the `?`.
    var encodedQuery: String {
        query.map { PercentEncoding.component($0.name) + "=" + PercentEncoding.component($0.value) }
            .joined(separator: "&")
    }

    /// The full URL text below `baseURL` (which has no trailing slash).
    func urlText(baseURL: String) -> String {
        var text = path.isEmpty ? baseURL : baseURL + "/" + path
        if !query.isEmpty { text += "?" + encodedQuery }
        return text
    }
}

/// A revision list as the JSON array of strings CouchDB reads in a query.
extension JSON {
    init(revisions: [RevisionID]) {
        self = .array(revisions.map { .string($0.description) })
    }
}
