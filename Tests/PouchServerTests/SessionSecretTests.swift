import Foundation
import Pouch
import PouchServer
import TestSupport
import Testing

/// Session cookies outlive a restart, as CouchDB's do: the key signing
/// them is kept in the data directory, readable by its owner only.
@Suite struct SessionSecretTests {
    static func login(_ server: TestServer) async throws -> String {
        let login = try await server.request(
            "POST", "/_session", raw: Array("name=admin&password=admin".utf8),
            headers: [("Content-Type", "application/x-www-form-urlencoded")],
            authorization: .some(nil))
        let setCookie = login.headers["set-cookie"] ?? ""
        return String(setCookie.split(separator: ";")[0])
    }

    static func sessionName(_ server: TestServer, _ cookie: String) async throws -> JSON? {
        let session = try await server.request(
            "GET", "/_session", headers: [("Cookie", cookie)], authorization: .some(nil))
        return try session.json["userCtx"]?["name"]
    }

    @Test func cookieStaysValidAcrossARestart() async throws {
        let first = try await TestServer.start()
        let cookie = try await Self.login(first)
        #expect(cookie.hasPrefix("AuthSession="))
        first.stopKeepingData()
        let second = try await TestServer.start(directory: first.directory)
        defer { second.stop() }
        #expect(try await Self.sessionName(second, cookie) == "admin")
        let file = first.directory.appendingPathComponent(".session-secret").path
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    /// A server over another directory has another secret, so the cookie
    /// is not accepted there: the user is anonymous (`name` null).
    @Test func anotherDirectoryHasAnotherSecret() async throws {
        let first = try await TestServer.start()
        defer { first.stop() }
        let cookie = try await Self.login(first)
        let other = try await TestServer.start()
        defer { other.stop() }
        #expect(try await Self.sessionName(first, cookie) == "admin")
        #expect(try await Self.sessionName(other, cookie) == .null)
    }
}
