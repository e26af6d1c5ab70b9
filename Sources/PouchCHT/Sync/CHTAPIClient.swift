import Foundation
import Pouch
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Talks to a CHT server's own API (`/api/v1/replication/...`) as an
/// offline user, logged in with a cookie session (`POST /_session`) that is
/// renewed once when the server answers 401.
public final class CHTAPIClient: Sendable {
    /// The server root, such as `http://127.0.0.1:5988`.
    public let serverURL: URL
    /// The user name.
    public let username: String
    private let password: String
    private let session: URLSession
    private let cookie = Mutex<String?>(nil)
    private static let logger = Logger("cht")

    /// A client for `serverURL` acting as `username`.
    public init(serverURL: URL, username: String, password: String) {
        self.serverURL = serverURL
        self.username = username
        self.password = password
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    deinit { session.invalidateAndCancel() }

    /// The documents the user may hold, from `GET /api/v1/replication/get-ids`.
    public func getIDs() async throws -> CHTGetIDsResponse {
        let body = try await json("GET", "api/v1/replication/get-ids", body: nil)
        return try CHTGetIDsResponse(json: body)
    }

    /// Which of `ids` were deleted on the server or may no longer be held,
    /// from `POST /api/v1/replication/get-deletes`.
    public func getDeletes(_ ids: [String]) async throws -> [String] {
        let request: JSON = ["doc_ids": .array(ids.map { .string($0) })]
        let body = try await json("POST", "api/v1/replication/get-deletes", body: request)
        guard let list = body["doc_ids"]?.arrayValue else {
            throw PouchError(.badResponse, "get-deletes answer has no doc_ids", status: 502)
        }
        return list.compactMap(\.stringValue)
    }

    /// Logs in with `POST /_session` and keeps the `AuthSession` cookie.
    ///
    /// - Throws: `unauthorized` for a wrong name or password.
    public func logIn() async throws {
        let credentials: JSON = ["name": .string(username), "password": .string(password)]
        let (status, headers, data) = try await exchange(
            "POST", "_session", body: credentials, cookie: nil)
        guard (200..<300).contains(status) else { throw Self.error(status: status, data: data) }
        guard let header = headers["set-cookie"], let value = Self.authSession(in: header) else {
            throw PouchError(.badResponse, "login answer set no AuthSession cookie", status: 502)
        }
        cookie.withLock { $0 = value }
    }

    /// Sends a request with the session cookie, logging in first when there
    /// is none and once more after a 401; returns the JSON of a 2xx answer.
    func json(_ method: String, _ path: String, body: JSON?) async throws -> JSON {
        if cookie.withLock({ $0 }) == nil { try await logIn() }
        var (status, _, data) = try await exchange(
            method, path, body: body, cookie: cookie.withLock { $0 })
        if status == 401 {
            Self.logger.debug("\(method) /\(path) -> 401; logging in again")
            try await logIn()
            (status, _, data) = try await exchange(
                method, path, body: body, cookie: cookie.withLock { $0 })
        }
        guard (200..<300).contains(status) else { throw Self.error(status: status, data: data) }
        do {
            return try JSON(parsing: data)
        } catch {
            throw PouchError(.badResponse, "\(method) /\(path): \(error)", status: 502)
        }
    }

    /// One HTTP exchange; answers the status, lower-cased headers and body.
    private func exchange(
        _ method: String, _ path: String, body: JSON?, cookie: String?
    ) async throws -> (Int, [String: String], Data) {
        var request = URLRequest(url: serverURL.appendingPathComponent(path))
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body.serializedBytes())
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let cookie { request.setValue("AuthSession=" + cookie, forHTTPHeaderField: "Cookie") }
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw PouchError(
                .network, "\(method) /\(path) failed", status: 0, cause: "\(error)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw PouchError(.badResponse, "not an HTTP answer", status: 502)
        }
        var headers: [String: String] = [:]
        for case let (key as String, value as String) in http.allHeaderFields {
            headers[key.lowercased()] = value
        }
        return (http.statusCode, headers, data)
    }

    /// The value of the `AuthSession` cookie in a `Set-Cookie` header.
    static func authSession(in header: String) -> String? {
        for part in header.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            for cookie in trimmed.split(separator: ",") where cookie.hasPrefix("AuthSession=") {
                return String(cookie.dropFirst("AuthSession=".count))
            }
        }
        return nil
    }

    /// The server's error body as a `PouchError`.
    static func error(status: Int, data: Data) -> PouchError {
        PouchError(body: try? JSON(parsing: data), status: status)
    }
}
