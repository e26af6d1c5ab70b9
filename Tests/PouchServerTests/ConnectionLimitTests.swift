import Foundation
import Pouch
import TestSupport
import Testing

@testable import PouchServer

/// Silent and slow clients cannot lock others out: connections over the
/// limit make room by closing idle ones, and a head must arrive by
/// `HTTPLimits.headTimeout`.
@Suite struct ConnectionLimitTests {
    /// More silent connections than the server serves at once, then a
    /// normal request: the idlest connections are closed to make room and
    /// the request is answered.
    @Test func idleConnectionsMakeRoomForANewClient() async throws {
        let limits = HTTPLimits(
            idleTimeout: .seconds(120), headTimeout: .seconds(120), maxConnections: 4)
        try await HTTPServerTests.withServer(limits: limits) { port in
            let idle = try (0..<10).map { _ in try LoopbackSocket(port: port) }
            let client = try LoopbackSocket(port: port)
            try client.send("GET /fine HTTP/1.1\r\n\r\n")
            #expect(try HTTPServerTests.json(client.readResponse())["target"] == "/fine")
            // The oldest silent connection was closed to make room.
            #expect(idle[0].isClosedByServer())
        }
    }

    /// A client that sends a header line now and then, never finishing
    /// its head, is answered 408 and disconnected after `headTimeout`,
    /// while another client is served meanwhile.
    @Test func slowHeadIsCutOffAtTheHeadDeadline() async throws {
        let limits = HTTPLimits(idleTimeout: .seconds(120), headTimeout: .milliseconds(300))
        try await HTTPServerTests.withServer(limits: limits) { port in
            let slow = try LoopbackSocket(port: port)
            try slow.send("GET /slow HTTP/1.1\r\n")
            let other = try LoopbackSocket(port: port)
            try other.send("GET /fine HTTP/1.1\r\n\r\n")
            #expect(try HTTPServerTests.json(other.readResponse())["target"] == "/fine")
            var lines = 0
            while lines < 200, !slow.waitReadable(milliseconds: 50) {
                guard (try? slow.send("X-Line-\(lines): 1\r\n")) != nil else { break }
                lines += 1
            }
            #expect(try slow.readResponse().status == 408)
            #expect(slow.isClosedByServer())
        }
    }

    /// A connection that never sends anything is closed once the head
    /// deadline has passed, even though the idle timeout is far off.
    @Test func silentNewConnectionIsClosedAtTheHeadDeadline() async throws {
        let limits = HTTPLimits(idleTimeout: .seconds(120), headTimeout: .milliseconds(200))
        try await HTTPServerTests.withServer(limits: limits) { port in
            let silent = try LoopbackSocket(port: port)
            #expect(silent.isClosedByServer())
        }
    }

    /// When every connection is busy in mid-request, a new one is answered
    /// 503 and closed rather than left waiting.
    @Test func busyServerAnswers503() async throws {
        let limits = HTTPLimits(
            idleTimeout: .seconds(120), headTimeout: .seconds(120), maxConnections: 2)
        let server = HTTPServer(
            host: "127.0.0.1", port: 0, limits: limits, handler: HTTPServerTests.echo)
        try server.start()
        defer { server.stop() }
        let port = server.port
        try await onThread {
            let busy = try (0..<2).map { _ in try LoopbackSocket(port: port) }
            for socket in busy { try socket.send("GET /partial HTTP/1.1\r\n") }
            // Wait until the server has read both partial heads.
            var polls = 0
            while server.connectionCounts != (2, 0) && polls < 500 {
                polls += 1
                usleep(10_000)
            }
            let refused = try LoopbackSocket(port: port)
            try refused.send("GET /x HTTP/1.1\r\n\r\n")
            let answer = try refused.readResponse()
            #expect(answer.status == 503)
            #expect(try HTTPServerTests.json(answer)["error"] == "service_unavailable")
            #expect(refused.isClosedByServer())
        }
    }
}
