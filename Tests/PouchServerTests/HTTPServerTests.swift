import Foundation
import Pouch
import TestSupport
import Testing

@testable import PouchServer

/// Drives the HTTP/1.1 core over real sockets on 127.0.0.1.
@Suite struct HTTPServerTests {
    /// Echoes what it received: method, target and body.
    static let echo: HTTPServer.Handler = { request in
        if request.target == "/stream" {
            return .stream(contentType: "text/plain") { writer in
                for part in ["one\n", "two\n", "three\n"] { try writer.write(Array(part.utf8)) }
            }
        }
        let body: JSON = [
            "method": .string(request.method), "target": .string(request.target),
            "body": .string(String(decoding: request.body, as: UTF8.self)),
        ]
        return .json(body)
    }

    /// Runs `body` with the port of a fresh echo server, on a thread of its
    /// own since its socket calls block.
    static func withServer(
        limits: HTTPLimits = HTTPLimits(), _ body: @escaping @Sendable (Int) throws -> Void
    ) async throws {
        let server = HTTPServer(host: "127.0.0.1", port: 0, limits: limits, handler: echo)
        try server.start()
        defer { server.stop() }
        let port = server.port
        try await onThread { try body(port) }
    }

    static func json(_ response: LoopbackSocket.Response) throws -> JSON {
        try JSON(parsing: response.body)
    }

    @Test func answersARequestWithItsContentLength() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("GET /a/b?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["content-length"] == String(response.body.count))
            let body = try Self.json(response)
            #expect(body["method"] == "GET")
            #expect(body["target"] == "/a/b?x=1")
        }
    }

    @Test func keepsTheConnectionAliveForSeveralRequests() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            for index in 1...3 {
                try client.send("GET /\(index) HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                #expect(try Self.json(response)["target"] == .string("/\(index)"))
                #expect(response.headers["connection"] == nil)
            }
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send(
                "POST /p HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /q HTTP/1.1\r\n\r\n")
            #expect(try Self.json(client.readResponse())["body"] == "hi")
            #expect(try Self.json(client.readResponse())["target"] == "/q")
        }
    }

    @Test func reassemblesAChunkedRequestBody() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            // The chunked example of RFC 9112's predecessor: "Wikipedia" in two chunks.
            try client.send("POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n")
            #expect(try Self.json(client.readResponse())["body"] == "Wikipedia")
            try client.send("GET /after HTTP/1.1\r\n\r\n")
            #expect(try Self.json(client.readResponse())["target"] == "/after")
        }
    }

    @Test func refusesABodyOverTheLimitWith413() async throws {
        try await Self.withServer(limits: HTTPLimits(maxBodyBytes: 10)) { port in
            let client = try LoopbackSocket(port: port)
            try client.send("PUT /big HTTP/1.1\r\nContent-Length: 11\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 413)
            let expected: JSON = [
                "error": "too_large", "reason": "the request entity is too large",
            ]
            #expect(try Self.json(response) == expected)
            #expect(client.isClosedByServer())
        }
    }

    /// The client sends its whole over-long body before reading, as
    /// HTTP clients do: the server reads and drops it after answering, so
    /// the client gets the 413 rather than a reset connection.
    @Test func aClientStillSendingItsBodyReadsThe413() async throws {
        try await Self.withServer(limits: HTTPLimits(maxBodyBytes: 10)) { port in
            let client = try LoopbackSocket(port: port)
            let body = [UInt8](repeating: 0x61, count: 8 * 1024 * 1024)
            try client.send("PUT /big HTTP/1.1\r\nContent-Length: \(body.count)\r\n\r\n")
            try client.send(body)
            #expect(try client.readResponse().status == 413)
            #expect(client.isClosedByServer())
        }
    }

    @Test func refusesAChunkedBodyGrowingOverTheLimit() async throws {
        try await Self.withServer(limits: HTTPLimits(maxBodyBytes: 10)) { port in
            let client = try LoopbackSocket(port: port)
            try client.send("PUT /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            try client.send("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
            #expect(try client.readResponse().status == 413)
        }
    }

    @Test func answersAMalformedRequestLineWith400AndCloses() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("THIS IS NOT HTTP\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(try Self.json(response)["error"] == "bad_request")
            #expect(response.headers["connection"] == "close")
            #expect(client.isClosedByServer())
        }
    }

    @Test func answersAHeaderFieldWithoutColonWith400() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("GET / HTTP/1.1\r\nNoColonHere\r\n\r\n")
            #expect(try client.readResponse().status == 400)
        }
    }

    @Test func refusesAHugeHeaderWith431() async throws {
        try await Self.withServer(limits: HTTPLimits(maxHeaderBytes: 1024)) { port in
            let client = try LoopbackSocket(port: port)
            let filler = String(repeating: "a", count: 4096)
            try client.send("GET / HTTP/1.1\r\nX-Filler: \(filler)\r\n\r\n")
            #expect(try client.readResponse().status == 431)
            #expect(client.isClosedByServer())
        }
    }

    @Test func readsOnlyTheAnnouncedLengthOfALongerBody() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            // The bytes past Content-Length are read as the next request,
            // which is not HTTP: the first is answered, the rest refused.
            try client.send("POST /x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGARBAGE\r\n\r\n")
            #expect(try Self.json(client.readResponse())["body"] == "abc")
            #expect(try client.readResponse().status == 400)
            #expect(client.isClosedByServer())
        }
    }

    @Test func dropsASilentClientWhileServingAnother() async throws {
        let limits = HTTPLimits(idleTimeout: .milliseconds(300))
        try await Self.withServer(limits: limits) { port in
            let stalled = try LoopbackSocket(port: port)
            try stalled.send("POST /slow HTTP/1.1\r\nContent-Length: 100\r\n\r\npartial")
            let other = try LoopbackSocket(port: port)
            try other.send("GET /fine HTTP/1.1\r\n\r\n")
            #expect(try Self.json(other.readResponse())["target"] == "/fine")
            #expect(try stalled.readResponse().status == 408)
            #expect(stalled.isClosedByServer())
        }
    }

    @Test func closesAnIdleKeepAliveConnectionSilently() async throws {
        try await Self.withServer(limits: HTTPLimits(idleTimeout: .milliseconds(200))) { port in
            let client = try LoopbackSocket(port: port)
            try client.send("GET / HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(client.isClosedByServer())
        }
    }

    @Test func streamsAResponseInChunks() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("GET /stream HTTP/1.1\r\n\r\n")
            let head = try client.readResponse(toHead: true)
            #expect(head.headers["transfer-encoding"] == "chunked")
            #expect(head.headers["content-length"] == nil)
            var chunks: [String] = []
            while let chunk = try client.readChunk() {
                chunks.append(String(decoding: chunk, as: UTF8.self))
            }
            #expect(chunks == ["one\n", "two\n", "three\n"])
            try client.send("GET /next HTTP/1.1\r\n\r\n")
            #expect(try Self.json(client.readResponse())["target"] == "/next")
        }
    }

    @Test func closesAfterAnHTTP10RequestAndAfterConnectionClose() async throws {
        try await Self.withServer { port in
            let old = try LoopbackSocket(port: port)
            try old.send("GET / HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().status == 200)
            #expect(old.isClosedByServer())
            let closing = try LoopbackSocket(port: port)
            try closing.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n")
            #expect(try closing.readResponse().headers["connection"] == "close")
            #expect(closing.isClosedByServer())
        }
    }

    @Test func sendsContinueBeforeAnExpectedBody() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("PUT /e HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
            #expect(try client.readResponse(toHead: true).status == 100)
            try client.send("ok")
            #expect(try Self.json(client.readResponse())["body"] == "ok")
        }
    }

    @Test func answersHeadWithoutABody() async throws {
        try await Self.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("HEAD / HTTP/1.1\r\n\r\n")
            let head = try client.readResponse(toHead: true)
            #expect(head.status == 200)
            #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 0)
            try client.send("GET /2 HTTP/1.1\r\n\r\n")
            #expect(try Self.json(client.readResponse())["target"] == "/2")
        }
    }

    @Test func servesManyConnectionsAtOnce() async throws {
        let server = HTTPServer(
            host: "127.0.0.1", port: 0, limits: HTTPLimits(), handler: Self.echo)
        try server.start()
        defer { server.stop() }
        let port = server.port
        let targets = try await withThrowingTaskGroup(of: JSON?.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await onThread {
                        let client = try LoopbackSocket(port: port)
                        try client.send("GET /\(index) HTTP/1.1\r\n\r\n")
                        return try Self.json(client.readResponse())["target"]
                    }
                }
            }
            var all: Set<String> = []
            for try await target in group { all.insert(target?.stringValue ?? "") }
            return all
        }
        #expect(targets == Set((0..<40).map { "/\($0)" }))
    }

    @Test func stopClosesTheListenerAndOpenConnections() async throws {
        let server = HTTPServer(
            host: "127.0.0.1", port: 0, limits: HTTPLimits(), handler: Self.echo)
        try server.start()
        let port = server.port
        try await onThread {
            let client = try LoopbackSocket(port: port)
            try client.send("GET / HTTP/1.1\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            server.stop()
            #expect(client.isClosedByServer())
            #expect(throws: LoopbackSocket.Failure.self) { try LoopbackSocket(port: port) }
        }
    }
}
