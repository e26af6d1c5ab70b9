import Foundation
import Glibc
import Pouch
import TestSupport
import Testing

/// Runs `pouch serve` as a process: the listening line comes first, the
/// server answers CouchDB requests, SIGTERM stops it cleanly, and unsafe or
/// malformed options are refused before anything listens.
@Suite struct ServeCommandTests {
    @Test func servesOverHTTPAndStopsOnSIGTERM() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try serve.listeningPort()
        #expect(port > 0)

        let created = try Self.send(port, "PUT /notes")
        #expect(created.status == 201)
        let put = try Self.send(port, "PUT /notes/n1", body: #"{"text":"hello"}"#)
        #expect(put.status == 201)
        let rev = try #require(try put.json["rev"]?.stringValue)
        #expect(rev.hasPrefix("1-"))
        let get = try Self.send(port, "GET /notes/n1")
        #expect(get.status == 200)
        #expect(try get.json == ["_id": "n1", "_rev": .string(rev), "text": "hello"])

        serve.send(SIGTERM)
        #expect(try serve.waitForExit() == .exit)
        #expect(serve.status == 0)
        // The database is a file in the data folder and holds the document.
        let file = runner.path("data/notes.sqlite")
        #expect(FileManager.default.fileExists(atPath: file))
    }

    @Test func stopsOnSIGINT() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        _ = try serve.listeningPort()
        serve.send(SIGINT)
        #expect(try serve.waitForExit() == .exit)
        #expect(serve.status == 0)
    }

    @Test func refusesAllInterfacesWithoutAnAdmin() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(
            runner, ["--data", runner.path("data"), "--host", "0.0.0.0", "--port", "0"])
        // Nothing is printed: the refusal comes before the listening line.
        #expect(serve.firstLine() == nil)
        #expect(try serve.waitForExit() == .exit)
        #expect(serve.status == 1)
        #expect(serve.errors.hasPrefix("forbidden: "))
    }

    @Test(arguments: ["admin:", ":secret", ""])
    func malformedAdminIsAUsageError(_ admin: String) throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(
            runner, ["--data", runner.path("data"), "--port", "0", "--admin", admin])
        #expect(serve.firstLine() == nil)
        #expect(try serve.waitForExit() == .exit)
        #expect(serve.status == 2)
    }

    @Test func missingDataIsAUsageError() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let outcome = try runner.run(["serve", "--port", "0"])
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
    }

    /// Sends `request` ("METHOD /path") with an optional JSON body and
    /// optional basic credentials ("NAME:PASSWORD").
    static func send(
        _ port: Int, _ request: String, body: String? = nil, credentials: String? = nil
    ) throws -> LoopbackSocket.Response {
        var head = "\(request) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let credentials {
            head += "Authorization: Basic \(Data(credentials.utf8).base64EncodedString())\r\n"
        }
        let bytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Type: application/json\r\n" }
        head += "Content-Length: \(bytes.count)\r\n\r\n"
        let socket = try LoopbackSocket(port: port)
        try socket.send(Array(head.utf8) + bytes)
        return try socket.readResponse()
    }
}
