import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The HTTP side of a `RemoteDatabase`: builds URLs below the database,
/// adds credentials and custom headers to every request, logs each
/// exchange at debug level, and maps answers to JSON or `PouchError`s.
final class HTTPClient: Sendable {
    /// The database URL, percent-encoded, without credentials or a
    /// trailing slash.
    let databaseURL: String
    /// The server root: the database URL without its last path segment.
    let serverURL: String
    private let transport: any RequestTransport
    private let headers: [String: String]
    private let timeouts: RemoteTimeouts
    private let credentials: RemoteCredentials?
    private let cookies: CookieJar?

    init(
        databaseURL: String, serverURL: String, credentials: RemoteCredentials?,
        headers: [String: String], timeouts: RemoteTimeouts,
        configuration: URLSessionConfiguration, transport choice: RemoteTransportChoice
    ) {
        self.databaseURL = databaseURL
        self.serverURL = serverURL
        self.credentials = credentials
        self.headers = headers
        self.timeouts = timeouts
        cookies = credentials?.scheme == .cookie ? CookieJar() : nil
        transport =
            choice == .automatic
                && SocketTransport.isUsable(for: databaseURL, configuration: configuration)
            ? SocketTransport(timeouts: timeouts)
            : HTTPTransport(configuration: configuration, timeouts: timeouts)
    }

    /// Sends `request` and returns the answer, whatever its status. With
    /// cookie authentication, a 401 leads to one fresh login and one retry.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard let cookies else { return try await exchange(request, cookie: nil) }

        let login: @Sendable () async throws -> String = { [self] in try await logIn() }
        let cookie = try await cookies.cookie(loggingInWith: login)
        let response = try await exchange(request, cookie: cookie)
        guard response.status == 401 else { return response }

        Logger.http.debug("\(response.requestLine) -> 401; logging in again")
        let fresh = try await cookies.renew(replacing: cookie, loggingInWith: login)
        return try await exchange(request, cookie: fresh)
    }

    /// Sends `request` and returns the JSON body of a 2xx answer.
    ///
    /// - Throws: the server's error for any other status, `bad_response`
    ///   for a body that is not JSON, and transport errors.
    func json(_ request: HTTPRequest) async throws -> JSON {
        let response = try await send(request)
        guard response.isSuccess else { throw response.error() }
        return try response.json()
    }

    /// One exchange with the server, logged.
    private func exchange(_ request: HTTPRequest, cookie: String?) async throws -> HTTPResponse {
        let urlRequest = try makeURLRequest(request, cookie: cookie)
        let line = "\(request.method) \(redactingPassword(urlRequest.url?.absoluteString ?? ""))"
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await transport.perform(urlRequest, requestLine: line)
            Logger.http.debug("\(line) -> \(response.status) in \(clock.now - start)")
            if let header = response.header("set-cookie"), let cookies {
                await cookies.accept(setCookieHeader: header)
            }
            return response
        } catch {
            Logger.http.debug("\(line) failed: \(error)")
            throw error
        }
    }

    /// The URLRequest for `request`, with every header it needs.
    private func makeURLRequest(_ request: HTTPRequest, cookie: String?) throws -> URLRequest {
        let base = request.base == .database ? databaseURL : serverURL
        let text = request.urlText(baseURL: base)
        guard let url = URL(string: text) else {
            throw PouchError.badRequest("invalid URL \(redactingPassword(text))")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = timeouts.request.timeInterval + request.serverWait
        urlRequest.setValue(request.accept, forHTTPHeaderField: "Accept")
        if let credentials, credentials.scheme == .basic {
            urlRequest.setValue(credentials.basicAuthorization, forHTTPHeaderField: "Authorization")
        }
        if let cookie { urlRequest.setValue(cookie, forHTTPHeaderField: "Cookie") }
        for (name, value) in headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if let body = request.body {
            urlRequest.httpBody = body
            urlRequest.setValue(request.contentType, forHTTPHeaderField: "Content-Type")
        }
        return urlRequest
    }

    /// Logs in with `POST /_session` and returns the session cookie.
    private func logIn() async throws -> String {
        guard let credentials else { throw PouchError.unauthorized("no credentials") }
        var request = HTTPRequest("POST", "_session", base: .server)
        request.setBody(
            ["name": .string(credentials.username), "password": .string(credentials.password)])
        let response = try await exchange(request, cookie: nil)
        guard response.isSuccess else { throw response.error() }
        guard let header = response.header("set-cookie"),
            let cookie = CookieJar.authSessionCookie(in: header)
        else {
            throw PouchError.badResponse(
                "\(response.requestLine) succeeded without an AuthSession cookie")
        }
        return cookie
    }
}
