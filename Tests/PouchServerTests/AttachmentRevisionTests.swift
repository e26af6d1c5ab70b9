import Foundation
import Pouch
import TestSupport
import Testing

@testable import PouchServer

/// `PUT /db/doc/att?rev=R` where the document has no revision R (here, no
/// document at all). CouchDB's chttpd_db `db_attachment_req` opens the
/// named revision and answers `throw(conflict)` when it is
/// `{not_found, missing}`: 409 "Document update conflict.", not 404.
@Suite struct AttachmentRevisionTests {
    @Test func anAttachmentPutNamingAMissingRevisionIsAConflict() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/atts")
        let answer = try await server.request(
            "PUT", "/atts/nodoc/a.txt?rev=1-abc", raw: Array("x".utf8),
            headers: [("Content-Type", "text/plain")])
        #expect(answer.status == 409, "\(answer.text)")
        #expect(try answer.json["error"] == "conflict")
    }
}

/// The status line of a range answer. RFC 9110 section 15.3.7 names 206
/// "Partial Content" (CouchDB's mochiweb writes it so); the server's
/// status line is built from `reasonPhrase`.
@Suite struct StatusLineTests {
    @Test func aRangeAnswerSaysPartialContent() {
        #expect(reasonPhrase(206) == "Partial Content")
    }
}
