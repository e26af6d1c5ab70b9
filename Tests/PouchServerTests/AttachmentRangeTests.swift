import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// `Range` requests on attachments, as CouchDB answers them
/// (`chttpd_db.erl` `db_attachment_req`, RFC 9110 section 14).
@Suite struct AttachmentRangeTests {
    /// A server with `/db/d/note.txt` holding "hello world" (11 bytes).
    static func withAttachment(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        #expect(try await server.request("PUT", "/db").status == 201)
        let put = try await server.request(
            "PUT", "/db/d/note.txt", raw: Array("hello world".utf8),
            headers: [("Content-Type", "text/plain")])
        #expect(put.status == 201)
        try await body(server)
    }

    static func get(_ server: TestServer, range: String) async throws -> LoopbackSocket.Response {
        try await server.request("GET", "/db/d/note.txt", headers: [("Range", range)])
    }

    @Test func wholeAttachmentAdvertisesByteRanges() async throws {
        try await Self.withAttachment { (server) async throws in
            let whole = try await server.request("GET", "/db/d/note.txt")
            #expect(whole.status == 200)
            #expect(whole.text == "hello world")
            #expect(whole.headers["accept-ranges"] == "bytes")
        }
    }

    @Test func singleRangeIsPartialContent() async throws {
        try await Self.withAttachment { (server) async throws in
            let cases: [(String, String, String)] = [
                ("bytes=1-3", "ell", "bytes 1-3/11"),
                ("bytes=6-", "world", "bytes 6-10/11"),
                ("bytes=-5", "world", "bytes 6-10/11"),
                ("bytes=4-100", "o world", "bytes 4-10/11"),
                ("bytes=0-0", "h", "bytes 0-0/11"),
            ]
            for (range, body, contentRange) in cases {
                let response = try await Self.get(server, range: range)
                #expect(response.status == 206, "\(range)")
                #expect(response.text == body, "\(range)")
                #expect(response.headers["content-range"] == contentRange, "\(range)")
                #expect(response.headers["content-length"] == String(body.utf8.count))
                #expect(response.headers["content-type"] == "text/plain")
            }
        }
    }

    @Test func unsatisfiableRangeIs416() async throws {
        try await Self.withAttachment { (server) async throws in
            for range in ["bytes=20-30", "bytes=5-2"] {
                let response = try await Self.get(server, range: range)
                #expect(response.status == 416, "\(range)")
                #expect(
                    try response.json
                        == [
                            "error": "requested_range_not_satisfiable",
                            "reason": "Requested range not satisfiable",
                        ])
            }
        }
    }

    /// `bytes=0-` and a header that does not parse get the whole body.
    @Test func wholeRangeOrUnreadableHeaderGetsEverything() async throws {
        try await Self.withAttachment { (server) async throws in
            for range in ["bytes=0-", "items=1-2", "bytes=a-b"] {
                let response = try await Self.get(server, range: range)
                #expect(response.status == 200, "\(range)")
                #expect(response.text == "hello world", "\(range)")
            }
        }
    }

    @Test func severalRangesAreMultipartByteranges() async throws {
        try await Self.withAttachment { (server) async throws in
            let response = try await Self.get(server, range: "bytes=0-1,6-7")
            #expect(response.status == 206)
            let type = response.headers["content-type"] ?? ""
            #expect(type.hasPrefix("multipart/byteranges; boundary="))
            let boundary = type.components(separatedBy: "boundary=").last!
                .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let expected =
                "--\(boundary)\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/11\r\n\r\n"
                + "he\r\n--\(boundary)\r\nContent-Type: text/plain\r\n"
                + "Content-Range: bytes 6-7/11\r\n\r\nwo\r\n--\(boundary)--"
            #expect(response.text == expected)
        }
    }
}
