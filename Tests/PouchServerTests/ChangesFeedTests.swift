import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// Long-poll and continuous changes feeds over HTTP.
@Suite struct ChangesFeedTests {
    @Test func longPollAnswersWhenADocumentIsWritten() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        async let waited = server.request(
            "GET", "/db/_changes?feed=longpoll&since=now&timeout=20000")
        try await Task.sleep(for: .milliseconds(200))
        _ = try await server.request("PUT", "/db/woke", json: ["v": 1])
        let response = try await waited.json
        #expect(response["results"]?[0]?["id"] == "woke")
        #expect(response["last_seq"] == response["results"]?[0]?["seq"])
    }

    /// A write through another connection to the file (as another process,
    /// a `pouch` command, makes) signals nothing to the server; the long
    /// poll still answers with it rather than empty.
    @Test func longPollAnswersAWriteMadeOutsideTheServer() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        // From the start of the empty database, so the answer holds the
        // write whenever the request is read.
        async let waited = server.request(
            "GET", "/db/_changes?feed=longpoll&since=0&timeout=20000")
        try await Task.sleep(for: .milliseconds(200))
        let outside = try Database(path: server.directory.appendingPathComponent("db.sqlite").path)
        try await outside.put(["_id": "outside"])
        let response = try await waited.json
        #expect(response["results"]?[0]?["id"] == "outside")
    }

    @Test func longPollWithNothingNewAnswersEmptyAtTheTimeout() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        _ = try await server.request("PUT", "/db/a", json: [:])
        let response = try await server.request(
            "GET", "/db/_changes?feed=longpoll&since=now&timeout=100"
        ).json
        #expect(response["results"] == [])
        #expect(response["pending"] == 0)
    }

    @Test func continuousFeedWritesALinePerChangeThenLastSeq() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        _ = try await server.request("PUT", "/db/a", json: [:])
        _ = try await server.request("PUT", "/db/b", json: [:])
        let response = try await server.request(
            "GET", "/db/_changes?feed=continuous&since=0&timeout=100")
        #expect(response.headers["transfer-encoding"] == "chunked")
        let lines = try response.text.split(separator: "\n").map { try JSON(parsing: String($0)) }
        #expect(lines.count == 3)
        #expect(lines.first?["id"] == "a")
        #expect(lines.dropFirst().first?["id"] == "b")
        #expect(lines.last?["last_seq"] == lines.dropFirst().first?["seq"])
    }

    @Test func continuousFeedSendsHeartbeatsAndNewChanges() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        let port = server.port
        let auth = server.adminAuthorization ?? ""
        let (heartbeat, row) = try await onThread { () throws -> (Data?, JSON) in
            let feed = try LoopbackSocket(port: port)
            try feed.send(
                "GET /db/_changes?feed=continuous&heartbeat=50 HTTP/1.1\r\n"
                    + "Authorization: \(auth)\r\n\r\n")
            _ = try feed.readResponse(toHead: true)
            let heartbeat = try feed.readChunk()
            let writer = try LoopbackSocket(port: port)
            try writer.send(
                "PUT /db/live HTTP/1.1\r\nAuthorization: \(auth)\r\n"
                    + "Content-Length: 2\r\n\r\n{}")
            _ = try writer.readResponse()
            while let chunk = try feed.readChunk() {
                if chunk != Data([0x0A]) { return (heartbeat, try JSON(parsing: chunk)) }
            }
            return (heartbeat, .null)
        }
        #expect(heartbeat == Data([0x0A]))
        #expect(row["id"] == "live")
    }

    @Test func docIDsFilterFromAPostBody() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        for id in ["a", "b", "c"] { _ = try await server.request("PUT", "/db/\(id)", json: [:]) }
        let response = try await server.request(
            "POST", "/db/_changes?filter=_doc_ids", json: ["doc_ids": ["c", "a"]]
        ).json
        let ids = response["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(ids == ["a", "c"])
    }

    /// CouchDB's `feed=eventsource`: `text/event-stream`, each change as
    /// `data: CHANGE` then `id: SEQ` and an empty line; no `last_seq`.
    @Test func eventSourceFeedWritesAnEventPerChange() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        _ = try await server.request("PUT", "/db/a", json: [:])
        _ = try await server.request("PUT", "/db/b", json: [:])
        let normal = try await server.request("GET", "/db/_changes?since=0").json
        let response = try await server.request(
            "GET", "/db/_changes?feed=eventsource&since=0&timeout=100")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/event-stream")
        #expect(response.headers["cache-control"] == "no-cache")
        #expect(response.text.hasSuffix("\n\n"))
        let events = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        let results = normal["results"]?.arrayValue ?? []
        #expect(events.count == 2)
        #expect(results.count == 2)
        for (event, result) in zip(events, results) {
            let lines = event.components(separatedBy: "\n")
            #expect(lines.count == 2)
            #expect(lines[0].hasPrefix("data: ") && lines[1].hasPrefix("id: "))
            #expect(try JSON(parsing: String(lines[0].dropFirst(6))) == result)
            #expect(try JSON(parsing: String(lines[1].dropFirst(4))) == result["seq"])
        }
    }

    @Test func eventSourceHeartbeatIsAHeartbeatEvent() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        let port = server.port
        let auth = server.adminAuthorization ?? ""
        let heartbeat = try await onThread { () throws -> Data? in
            let feed = try LoopbackSocket(port: port)
            try feed.send(
                "GET /db/_changes?feed=eventsource&heartbeat=50 HTTP/1.1\r\n"
                    + "Authorization: \(auth)\r\n\r\n")
            _ = try feed.readResponse(toHead: true)
            return try feed.readChunk()
        }
        #expect(heartbeat == Data("event: heartbeat\ndata: \n\n".utf8))
    }

    @Test func unknownFeedNamesCouchDBsFeeds() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        let response = try await server.request("GET", "/db/_changes?feed=nope")
        #expect(response.status == 400)
        let reason = "Supported `feed` types: normal, continuous, live, longpoll, eventsource"
        #expect(try response.json == ["error": "bad_request", "reason": .string(reason)])
    }
}
