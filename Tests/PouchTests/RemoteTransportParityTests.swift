import Foundation
import Pouch
import TestSupport
import Testing

/// Both transports turn the same failed exchange into the same error:
/// the same CouchDB name, reason and status, and for an answer the server
/// gave, the same cause. Only a transport's own cause (a URL error or a
/// socket error) may differ.
@Suite struct RemoteTransportParityTests {
    /// The error `call` throws over `transport` against a stub server at
    /// `/db` that answers with `handler`, with the server's URL replaced by
    /// `<server>` so errors from two servers compare.
    static func error(
        _ transport: Transport, timeouts: RemoteTimeouts = RemoteTimeouts(),
        _ handler: @escaping StubHTTPServer.Handler,
        _ call: (RemoteDatabase) async throws -> Void = { _ = try await $0.info() }
    ) async throws -> PouchError? {
        let server = try StubHTTPServer(handler: handler)
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"), timeouts: timeouts)
        do {
            try await call(db)
            return nil
        } catch let error as PouchError {
            var error = error
            error.reason = error.reason.replacingOccurrences(of: server.baseURL, with: "<server>")
            error.cause = error.cause?.replacingOccurrences(of: server.baseURL, with: "<server>")
            return error
        }
    }

    /// The errors over sockets and over URLSession.
    static func errors(
        timeouts: RemoteTimeouts = RemoteTimeouts(),
        _ handler: @escaping StubHTTPServer.Handler,
        _ call: (RemoteDatabase) async throws -> Void = { _ = try await $0.info() }
    ) async throws -> (sockets: PouchError?, urlSession: PouchError?) {
        let sockets = try await error(.sockets, timeouts: timeouts, handler, call)
        let urlSession = try await error(.urlSession, timeouts: timeouts, handler, call)
        return (sockets, urlSession)
    }

    /// Answers the server gave, each with the error it must give: CouchDB's
    /// own for an error body, else one named after the status (502
    /// `bad_response` for a 200 that is not JSON).
    static let answers: [(reply: StubHTTPServer.Reply, code: PouchError.Code, status: Int)] = [
        (.error(404, "not_found", "missing"), .notFound, 404),
        (.error(401, "unauthorized", "Name or password is incorrect."), .unauthorized, 401),
        (
            .text(413, "<html>413 Request Entity Too Large</html>", contentType: "text/html"),
            .tooLarge, 413
        ),
        (.text(500, "oops"), .internalError, 500),
        (.text(200, "<html>login</html>", contentType: "text/html"), .badResponse, 502),
        (.response(status: 200, headers: [], body: []), .badResponse, 502),
        (.response(status: 302, headers: [], body: []), PouchError.Code("unknown_error"), 302),
    ]

    @Test(arguments: answers)
    func answerGivesTheSameErrorAndCause(
        reply: StubHTTPServer.Reply, code: PouchError.Code, status: Int
    ) async throws {
        let (sockets, urlSession) = try await Self.errors { _ in reply }

        #expect(sockets?.code == code)
        #expect(sockets?.status == status)
        #expect(urlSession == sockets)
    }

    /// Failed exchanges, each with the error's name and reason.
    static let failures: [(reply: StubHTTPServer.Reply, code: PouchError.Code, reason: String)] = [
        (.drop, .network, "the connection for GET <server>/db failed before any answer"),
        (
            .truncated(status: 200, declaredLength: 50, body: Array("{}".utf8)), .network,
            "truncated answer to GET <server>/db: the connection closed after 2 of 50 bytes"
        ),
        (
            .truncated(status: 404, declaredLength: 10, body: []), .network,
            "truncated answer to GET <server>/db: the connection closed after 0 of 10 bytes"
        ),
    ]

    @Test(arguments: failures)
    func failedExchangeGivesTheSameError(
        reply: StubHTTPServer.Reply, code: PouchError.Code, reason: String
    ) async throws {
        let (sockets, urlSession) = try await Self.errors { _ in reply }

        for error in [sockets, urlSession] {
            #expect(error?.code == code)
            #expect(error?.reason == reason)
            #expect(error?.status == 0)
        }
    }

    @Test func redirectLoopGivesTheSameError() async throws {
        let (sockets, urlSession) = try await Self.errors { _ in
            .response(status: 302, headers: [("Location", "/db")], body: [])
        }

        #expect(sockets?.code == .network)
        #expect(sockets?.reason == "too many redirects for GET <server>/db")
        #expect(sockets?.status == 0)
        #expect(urlSession?.code == sockets?.code)
        #expect(urlSession?.reason == sockets?.reason)
        #expect(urlSession?.status == sockets?.status)
    }

    @Test func slowBodyPastTheResourceTimeoutGivesTheSameError() async throws {
        let reply = StubHTTPServer.Reply.chunked(
            status: 200, chunks: Array(repeating: [10], count: 20), interval: .milliseconds(100))
        let timeouts = RemoteTimeouts(request: .seconds(5), resource: .milliseconds(400))
        let (sockets, urlSession) = try await Self.errors(timeouts: timeouts) { _ in reply }

        for error in [sockets, urlSession] {
            #expect(error?.code == .timeout)
            #expect(error?.reason == "no answer to GET <server>/db in time")
            #expect(error?.status == 0)
        }
    }

    @Test func headOfAFailingServerGivesTheSameError() async throws {
        let (sockets, urlSession) = try await Self.errors({ _ in .text(503, "down") }) {
            _ = try await $0.exists()
        }

        #expect(sockets?.code == .internalError)
        #expect(sockets?.status == 503)
        #expect(urlSession == sockets)
    }
}
