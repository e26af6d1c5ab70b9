import Foundation
import Pouch

/// A request as a route handler sees it: the HTTP request, the decoded
/// path parameters and query, and who sent it.
public struct ServerRequest: Sendable {
    public var http: HTTPRequest
    /// The values of the route's `{name}` segments, percent-decoded.
    public var parameters: [String: String]
    public var query: QueryParameters
    /// The authenticated user, or the anonymous one.
    public var user: UserContext
    /// How the user was authenticated: `cookie`, `default` (basic), or `nil`.
    public var authenticationMethod: String?
    /// The server answering, for its databases and settings.
    public var server: PouchServer
    /// The percent-decoded segments of the path (`["medic", "_all_docs"]`),
    /// so a database view can tell which endpoint is asked.
    public internal(set) var pathSegments: [String] = []

    public var method: String { http.method }

    /// The body parsed as JSON; an empty or unparsable body is
    /// `bad_request` "invalid UTF-8 JSON", as CouchDB answers.
    public func jsonBody() throws(PouchError) -> JSON {
        do {
            return try JSON(parsing: http.body)
        } catch {
            throw PouchError.badRequest("invalid UTF-8 JSON")
        }
    }

    /// The body as a JSON object, or `bad_request` with `reason`.
    func jsonObjectBody(
        reason: String = "Request body must be a JSON object"
    ) throws(PouchError) -> JSON {
        let body = try jsonBody()
        guard body.objectValue != nil else { throw PouchError.badRequest(reason) }
        return body
    }

    /// The path parameter `name`; the router guarantees it is present.
    func parameter(_ name: String) -> String {
        parameters[name] ?? ""
    }
}

/// Answers a request matched by a route.
public typealias RouteHandler = @Sendable (ServerRequest) async throws -> HTTPResponse
