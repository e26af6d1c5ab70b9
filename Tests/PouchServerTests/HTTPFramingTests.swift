import Foundation
import Pouch
import TestSupport
import Testing

@testable import PouchServer

/// Request framing details of RFC 9112 beyond the common case.
@Suite struct HTTPFramingTests {
    /// RFC 9112 section 2.2: a recipient may take a bare LF as a line end;
    /// such a request is answered at once.
    @Test func bareLineFeedsEndLines() async throws {
        try await HTTPServerTests.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("GET /lf HTTP/1.1\nHost: x\n\n")
            #expect(try HTTPServerTests.json(client.readResponse())["target"] == "/lf")
            try client.send("POST /mixed HTTP/1.1\r\nHost: x\nContent-Length: 2\n\r\nok")
            let mixed = try HTTPServerTests.json(client.readResponse())
            #expect(mixed["target"] == "/mixed")
            #expect(mixed["body"] == "ok")
        }
    }

    @Test func chunkedBodyWithBareLineFeeds() async throws {
        try await HTTPServerTests.withServer { port in
            let client = try LoopbackSocket(port: port)
            try client.send("POST /c HTTP/1.1\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n")
            #expect(try HTTPServerTests.json(client.readResponse())["body"] == "abc")
        }
    }

    /// RFC 9112 section 6.1: a transfer coding the server does not
    /// implement is 501, even when `chunked` comes last.
    @Test func transferCodingsOtherThanChunkedAre501() async throws {
        try await HTTPServerTests.withServer { port in
            for coding in ["gzip, chunked", "gzip", "deflate,chunked"] {
                let client = try LoopbackSocket(port: port)
                try client.send(
                    "POST /t HTTP/1.1\r\nTransfer-Encoding: \(coding)\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
                #expect(try client.readResponse().status == 501, "\(coding)")
                #expect(client.isClosedByServer())
            }
            let twice = try LoopbackSocket(port: port)
            try twice.send("POST /t HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
            #expect(try twice.readResponse().status == 400)
        }
    }

    /// RFC 3986 section 3.2.2: an IPv6 address in a URL is bracketed.
    @Test func baseURLBracketsAnIPv6Address() async throws {
        #expect(PouchServer.baseURL(host: "::1", port: 5984) == "http://[::1]:5984")
        #expect(PouchServer.baseURL(host: "[::1]", port: 80) == "http://[::1]:80")
        #expect(PouchServer.baseURL(host: "127.0.0.1", port: 1) == "http://127.0.0.1:1")
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(server.server.baseURL == "http://127.0.0.1:\(server.port)")
    }
}
