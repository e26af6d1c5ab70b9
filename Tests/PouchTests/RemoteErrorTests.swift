import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// Every way a remote call can fail surfaces as a distinct `PouchError`:
/// CouchDB's own errors with their name, reason and status, answers that
/// are not JSON, bodies cut short, dropped connections and timeouts.
@Suite struct RemoteErrorTests {
    /// Runs `call` against a database whose server answers every request
    /// with `reply`, and returns the error it throws.
    func error(
        _ transport: Transport, for reply: StubHTTPServer.Reply,
        timeouts: RemoteTimeouts = RemoteTimeouts(),
        _ call: (RemoteDatabase) async throws -> Void
    ) async throws -> PouchError {
        try await errorAndURL(transport, for: reply, timeouts: timeouts, call).error
    }

    /// The error `call` throws, and the database URL it was sent to.
    func errorAndURL(
        _ transport: Transport, for reply: StubHTTPServer.Reply,
        timeouts: RemoteTimeouts = RemoteTimeouts(),
        _ call: (RemoteDatabase) async throws -> Void
    ) async throws -> (error: PouchError, url: String) {
        let server = try StubHTTPServer { _ in reply }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"), credentials: nil, timeouts: timeouts)
        do {
            try await call(db)
        } catch let error as PouchError {
            return (error, server.baseURL + "/db")
        }
        Issue.record("no error thrown")
        return (PouchError(.internalError, "no error", status: 0), "")
    }

    @Test(arguments: Transport.allCases)
    func couchErrorBodyKeepsItsNameReasonAndStatus(transport: Transport) async throws {
        let error = try await error(transport, for: .error(404, "not_found", "deleted")) {
            _ = try await $0.get("gone")
        }
        #expect(error.code == .notFound)
        #expect(error.reason == "deleted")
        #expect(error.status == 404)
    }

    @Test(arguments: Transport.allCases)
    func conflictOnPutIs409Conflict(transport: Transport) async throws {
        let error = try await error(
            transport, for: .error(409, "conflict", "Document update conflict.")
        ) {
            _ = try await $0.put(["_id": "a", "_rev": "1-old"])
        }
        #expect(error == PouchError.conflict("Document update conflict."))
    }

    @Test(arguments: Transport.allCases)
    func creatingAnExistingDatabaseIsFileExists(transport: Transport) async throws {
        let reason = "The database could not be created, the file already exists."
        let error = try await error(transport, for: .error(412, "file_exists", reason)) {
            try await $0.create()
        }
        #expect(error == PouchError.fileExists(reason))
    }

    @Test(arguments: Transport.allCases)
    func tooLargeWithAProxysHTMLPageIsStill413(transport: Transport) async throws {
        let page = "<html><body>413 Request Entity Too Large</body></html>"
        let error = try await error(transport, for: .text(413, page, contentType: "text/html")) {
            _ = try await $0.bulkDocs([["_id": "a"]], newEdits: false)
        }
        #expect(error.code == .tooLarge)
        #expect(error.status == 413)
        #expect(error.cause?.contains("413 Request Entity Too Large") == true)
    }

    @Test(arguments: Transport.allCases)
    func serverErrorWithNonJSONBodyIsInternalServerError(transport: Transport) async throws {
        let error = try await error(transport, for: .text(500, "oops")) { _ = try await $0.info() }
        #expect(error.code == .internalError)
        #expect(error.status == 500)
    }

    @Test(arguments: Transport.allCases)
    func unauthorizedIs401(transport: Transport) async throws {
        let reason = "You are not authorized to access this db."
        let error = try await error(transport, for: .error(401, "unauthorized", reason)) {
            _ = try await $0.info()
        }
        #expect(error == PouchError.unauthorized(reason))
    }

    @Test(arguments: Transport.allCases)
    func successfulAnswerThatIsNotJSONIsBadResponse(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.text(200, "<html>login</html>", contentType: "text/html")
        let (error, url) = try await errorAndURL(transport, for: reply) { _ = try await $0.info() }
        #expect(error.code == .badResponse)
        #expect(error.reason == "the server's answer to GET \(url) is not JSON")
        #expect(error.status == 502)
        #expect(error.cause?.contains("<html>login</html>") == true)
    }

    @Test(arguments: Transport.allCases)
    func jsonOfTheWrongShapeIsBadResponse(transport: Transport) async throws {
        let error = try await error(transport, for: .json(200, ["results": "not a list"])) {
            _ = try await $0.changes(ChangesOptions())
        }
        #expect(error == PouchError.badResponse("expected results as an array in the answer"))
    }

    @Test(arguments: Transport.allCases)
    func truncatedBodyIsANetworkErrorSayingSo(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.truncated(
            status: 200, declaredLength: 100, body: Array(#"{"db_name":"#.utf8))
        let (error, url) = try await errorAndURL(transport, for: reply) { _ = try await $0.info() }
        #expect(error.code == .network)
        #expect(error.status == 0)
        // 11 of the 100 declared bytes were sent.
        #expect(
            error.reason
                == "truncated answer to GET \(url): the connection closed after 11 of 100 bytes")
    }

    @Test(arguments: Transport.allCases)
    func droppedConnectionIsANetworkErrorWithoutAnswer(transport: Transport) async throws {
        let (error, url) = try await errorAndURL(transport, for: .drop) { _ = try await $0.info() }
        #expect(error.code == .network)
        #expect(error.status == 0)
        #expect(error.reason == "the connection for GET \(url) failed before any answer")
    }

    @Test(arguments: Transport.allCases)
    func refusedConnectionIsANetworkError(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .json(200, [:]) }
        let url = server.url("/db")
        server.stop()
        let db = transport.database(url: url)

        let error = await #expect(throws: PouchError.self) { _ = try await db.info() }
        #expect(error?.code == .network)
    }

    @Test(arguments: Transport.allCases)
    func slowServerTimesOut(transport: Transport) async throws {
        let reply = StubHTTPServer.Reply.delayed(.seconds(120), .json(200, [:]))
        let timeouts = RemoteTimeouts(request: .milliseconds(300))
        let (error, url) = try await errorAndURL(transport, for: reply, timeouts: timeouts) {
            _ = try await $0.info()
        }
        #expect(error.code == .timeout)
        #expect(error.reason == "no answer to GET \(url) in time")
        #expect(error.status == 0)
    }

    @Test(arguments: Transport.allCases)
    func cancellingTheTaskCancelsTheRequest(transport: Transport) async throws {
        // The answer is far later than any busy machine needs to cancel.
        let server = try StubHTTPServer { _ in .delayed(.seconds(120), .json(200, [:])) }
        defer { server.stop() }
        let db = transport.database(url: server.url("/db"))

        let task = Task { try await db.info() }
        while server.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()

        let result = await task.result
        let error = result.failure as? PouchError
        #expect(error?.code == .cancelled)
        #expect(error?.reason == "GET \(server.baseURL)/db was cancelled")
    }

    @Test(arguments: Transport.allCases)
    func passwordNeverAppearsInErrorsOrLogLines(transport: Transport) async throws {
        LogCapture.start()
        let server = try StubHTTPServer { _ in .drop }
        defer { server.stop() }
        let url = URL(string: "http://admin:s3cret@127.0.0.1:\(server.port)/db")!
        let db = transport.database(url: url)

        let error = await #expect(throws: PouchError.self) { _ = try await db.info() }

        #expect(error.map { !"\($0)".contains("s3cret") } == true)
        let logged = LogCapture.lines(containing: ":\(server.port)/db")
        #expect(!logged.isEmpty)
        #expect(logged.allSatisfy { !$0.contains("s3cret") })
        #expect(db.identity == "http://127.0.0.1:\(server.port)/db")
    }
}

extension Result {
    /// The error of a failed result.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
