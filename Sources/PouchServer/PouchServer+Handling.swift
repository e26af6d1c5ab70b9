import Foundation
import Pouch

extension PouchServer {
    /// Answers one request: decodes its path and query, authenticates it,
    /// routes it (host routes first) and turns errors into CouchDB's
    /// `{"error", "reason"}` answers. Logs one line per request.
    func handle(_ http: HTTPRequest) async -> HTTPResponse {
        var userName: String?
        var response: HTTPResponse
        do {
            let (request, segments, refreshedCookie) = try prepare(http)
            userName = request.user.name
            response = try await dispatch(request, segments)
            if let refreshedCookie, !response.headers.contains("Set-Cookie") {
                response.headers.add("Set-Cookie", refreshedCookie)
            }
        } catch let error as PouchError {
            response = .error(error)
        } catch is CancellationError {
            response = .error(PouchError(.cancelled, "server stopping", status: 503))
        } catch {
            response = .error(PouchError(.internalError, "\(error)", status: 500))
        }
        let who = userName.map { " user=\($0)" } ?? ""
        Self.logger.info("\(http.method) \(http.rawPath) \(response.status)\(who)")
        return response
    }

    private func prepare(
        _ http: HTTPRequest
    ) throws -> (ServerRequest, [String], refreshedCookie: String?) {
        let segments = try PathDecoding.segments(http.rawPath)
        let query = try QueryParameters(http.rawQuery)
        var request = ServerRequest(
            http: http, parameters: [:], query: query, user: .anonymous,
            authenticationMethod: nil, server: self)
        request.pathSegments = segments
        var refreshedCookie: String?
        switch authenticator.authenticate(http.headers) {
        case .anonymous: break
        case .user(let user, let method, let cookie):
            request.user = user
            request.authenticationMethod = method
            refreshedCookie = cookie
        case .rejected:
            throw PouchError.unauthorized("Name or password is incorrect.")
        }
        return (request, segments, refreshedCookie)
    }

    private func dispatch(
        _ prepared: ServerRequest, _ segments: [String]
    ) async throws -> HTTPResponse {
        var request = prepared
        let (host, couch) = routes()
        for router in [host, couch] {
            switch router.match(request.method, segments) {
            case .found(let handler, let parameters):
                request.parameters = parameters
                return try await handler(request)
            case .methodNotAllowed(let allowed):
                throw PouchError(
                    .methodNotAllowed, "Only \(allowed) allowed", status: 405)
            case .notFound:
                continue
            }
        }
        throw PouchError.notFound("Database does not exist.")
    }
}
