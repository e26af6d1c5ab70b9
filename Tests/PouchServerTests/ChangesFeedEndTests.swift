import Foundation
import Pouch
import TestSupport
import Testing

/// A continuous changes feed whose database is deleted. CouchDB's changes
/// loop stops on the database's `deleted` event (couch_changes
/// `wait_updated` answers `stop`) and ends the response as any stopped
/// feed: the `{"last_seq", "pending"}` line, then the last chunk, so the
/// client sees a complete HTTP response rather than a cut connection.
@Suite struct ChangesFeedEndTests {
    /// Reads chunks until the last one; throws when the server cuts the
    /// stream before it.
    private static func readToEnd(_ feed: LoopbackSocket) throws -> [Data] {
        var chunks: [Data] = []
        while let chunk = try feed.readChunk() { chunks.append(chunk) }
        return chunks
    }

    @Test(arguments: ["continuous", "eventsource"])
    func aFeedWhoseDatabaseIsDeletedEndsItsResponse(feed name: String) async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/gone")
        _ = try await server.request("PUT", "/gone/a", json: [:])
        let port = server.port
        let auth = server.adminAuthorization ?? ""
        let ended = try await onThread { () throws -> Result<[Data], any Error> in
            let feed = try LoopbackSocket(port: port)
            feed.timeoutMilliseconds = 10_000
            try feed.send(
                "GET /gone/_changes?feed=\(name)&heartbeat=100 HTTP/1.1\r\n"
                    + "Authorization: \(auth)\r\n\r\n")
            _ = try feed.readResponse(toHead: true)
            _ = try feed.readChunk()
            let deleter = try LoopbackSocket(port: port)
            try deleter.send(
                "DELETE /gone HTTP/1.1\r\nAuthorization: \(auth)\r\n\r\n")
            _ = try deleter.readResponse()
            return Result { try Self.readToEnd(feed) }
        }
        switch ended {
        case .success(let chunks):
            if name == "continuous" {
                let rows = chunks.filter { $0 != Data([0x0A]) }
                let last = try rows.last.map { try JSON(parsing: $0) }
                #expect(last?["last_seq"] != nil)
            }
        case .failure(let error):
            Issue.record("the feed was cut without its last chunk: \(error)")
        }
    }

    /// CouchDB's `timeout` on a continuous feed without heartbeat is the
    /// time to wait for the next change (fabric_view_changes waits that
    /// long after each batch, then stops): a feed that keeps receiving
    /// changes more often than its timeout stays open. Eight writes 600 ms
    /// apart (4.8 s in all), with a timeout of 3 s, must all reach the
    /// feed; it reads from the start, so a feed that starts late on a busy
    /// machine still sees the first writes.
    @Test func continuousTimeoutIsIdleTimeNotTotalTime() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/idle")
        async let body = server.request("GET", "/idle/_changes?feed=continuous&timeout=3000")
        for index in 0..<8 {
            try await Task.sleep(for: .milliseconds(600))
            _ = try await server.request("PUT", "/idle/d\(index)", json: [:])
        }
        let lines = try await body.text.split(separator: "\n").map {
            try JSON(parsing: String($0))
        }
        let ids = lines.compactMap { $0["id"]?.stringValue }
        #expect(ids == (0..<8).map { "d\($0)" })
    }
}
