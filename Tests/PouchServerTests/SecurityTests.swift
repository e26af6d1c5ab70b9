import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

@testable import PouchServer

/// Authentication and per-database authorisation, against CouchDB 3.x's
/// documented answers.
@Suite struct SecurityTests {
    static func basic(_ name: String, _ password: String) -> String {
        "Basic " + Data("\(name):\(password)".utf8).base64EncodedString()
    }

    static let bob = basic("bob", "pw")

    static func withServer(_ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start(
            users: [ServerUser(name: "bob", password: "pw", iterations: 16)])
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        try await body(server)
    }

    @Test func anonymousMayNotCreateOrDeleteDatabases() async throws {
        try await Self.withServer { (server) async throws in
            let expected: JSON = ["error": "unauthorized", "reason": "You are not a server admin."]
            let create = try await server.request("PUT", "/other", authorization: .some(nil))
            #expect(create.status == 401)
            #expect(try create.json == expected)
            let delete = try await server.request("DELETE", "/db", authorization: .some(nil))
            #expect(delete.status == 401)
            // CouchDB 3 lists databases to server admins only.
            let list = try await server.request("GET", "/_all_dbs", authorization: .some(nil))
            #expect(list.status == 401)
            #expect(try list.json == expected)
            let user = try await server.request("GET", "/_all_dbs", authorization: .some(Self.bob))
            #expect(user.status == 401)
        }
    }

    @Test func aNewDatabaseIsForServerAdminsOnly() async throws {
        try await Self.withServer { (server) async throws in
            let anonymous = try await server.request("GET", "/db", authorization: .some(nil))
            #expect(anonymous.status == 401)
            #expect(
                try anonymous.json
                    == [
                        "error": "unauthorized",
                        "reason": "You are not authorized to access this db.",
                    ])
            let user = try await server.request("GET", "/db", authorization: .some(Self.bob))
            #expect(user.status == 403)
            #expect(
                try user.json
                    == ["error": "forbidden", "reason": "You are not allowed to access this db."])
        }
    }

    @Test func membersMayUseTheDatabaseButNotAdministerIt() async throws {
        try await Self.withServer { (server) async throws in
            let security: JSON = ["members": ["names": ["bob"]], "admins": ["names": []]]
            #expect(try await server.request("PUT", "/db/_security", json: security).status == 200)
            #expect(try await server.request("GET", "/db/_security").json == security)
            let write = try await server.request(
                "PUT", "/db/d", json: ["v": 1], authorization: .some(Self.bob))
            #expect(write.status == 201)
            let design = try await server.request(
                "PUT", "/db/_design/x", json: [:], authorization: .some(Self.bob))
            #expect(design.status == 403)
            let change = try await server.request(
                "PUT", "/db/_security", json: [:], authorization: .some(Self.bob))
            #expect(
                try change.json
                    == ["error": "forbidden", "reason": "You are not a db or server admin."])
            let anonymous = try await server.request("GET", "/db/d", authorization: .some(nil))
            #expect(anonymous.status == 401)
        }
    }

    @Test func aDatabaseWithoutMembersIsPublic() async throws {
        try await Self.withServer { (server) async throws in
            _ = try await server.request("PUT", "/db/_security", json: [:])
            let anonymous = try await server.request(
                "PUT", "/db/d", json: ["v": 1], authorization: .some(nil))
            #expect(anonymous.status == 201)
        }
    }

    @Test func wrongBasicCredentialsAre401() async throws {
        try await Self.withServer { (server) async throws in
            let response = try await server.request(
                "GET", "/", authorization: .some(Self.basic("bob", "nope")))
            #expect(response.status == 401)
            #expect(
                try response.json
                    == ["error": "unauthorized", "reason": "Name or password is incorrect."])
        }
    }

    @Test func sessionLoginGivesACookieThatAuthenticates() async throws {
        try await Self.withServer { (server) async throws in
            let login = try await server.request(
                "POST", "/_session", raw: Array("name=admin&password=admin".utf8),
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                authorization: .some(nil))
            #expect(try login.json == ["ok": true, "name": "admin", "roles": ["_admin"]])
            let setCookie = login.headers["set-cookie"] ?? ""
            #expect(setCookie.hasPrefix("AuthSession="))
            #expect(setCookie.contains("HttpOnly"))
            let cookie = String(setCookie.split(separator: ";")[0])
            let session = try await server.request(
                "GET", "/_session", headers: [("Cookie", cookie)], authorization: .some(nil))
            #expect(try session.json["userCtx"] == ["name": "admin", "roles": ["_admin"]])
            #expect(try session.json["info"]?["authenticated"] == "cookie")
            let database = try await server.request(
                "GET", "/db", headers: [("Cookie", cookie)], authorization: .some(nil))
            #expect(database.status == 200)
        }
    }

    @Test func aTamperedCookieIsAnonymous() async throws {
        try await Self.withServer { (server) async throws in
            let forged = Authenticator.base64URL(
                Array("admin:FFFFFFFF:".utf8) + [UInt8](repeating: 1, count: 32))
            let session = try await server.request(
                "GET", "/_session", headers: [("Cookie", "AuthSession=\(forged)")],
                authorization: .some(nil))
            #expect(try session.json["userCtx"] == ["name": .null, "roles": []])
        }
    }

    @Test func wrongSessionPasswordIs401() async throws {
        try await Self.withServer { (server) async throws in
            let login = try await server.request(
                "POST", "/_session", json: ["name": "admin", "password": "wrong"],
                authorization: .some(nil))
            #expect(login.status == 401)
            #expect(
                try login.json
                    == ["error": "unauthorized", "reason": "Name or password is incorrect."])
        }
    }

    @Test func sessionCookiesExpireAfterTheTimeout() {
        let user = ServerUser(name: "u", password: "p", iterations: 1)
        let authenticator = Authenticator(users: [user], sessionTimeout: 600)
        let cookie = authenticator.sessionCookie(for: "u", at: 1_000_000)
        #expect(authenticator.userFromSession(cookie, now: 1_000_599)?.name == "u")
        #expect(authenticator.userFromSession(cookie, now: 1_000_600) == nil)
    }

    @Test func aSessionCookieIsRenewedOnceATenthOfItsLifetimeHasPassed() {
        let user = ServerUser(name: "u", password: "p", iterations: 1)
        let authenticator = Authenticator(users: [user], sessionTimeout: 600)
        let now = Int(Date().timeIntervalSince1970)
        func outcome(issuedAgo seconds: Int) -> Authenticator.Outcome {
            let cookie = authenticator.sessionCookie(for: "u", at: now - seconds)
            return authenticator.authenticate(HTTPHeaders([("Cookie", "AuthSession=\(cookie)")]))
        }
        guard case .user(_, "cookie", let fresh) = outcome(issuedAgo: 0),
            case .user(_, "cookie", let old) = outcome(issuedAgo: 120)
        else {
            Issue.record("cookie not accepted")
            return
        }
        #expect(fresh == nil)
        #expect(old?.hasPrefix("AuthSession=") == true)
    }

    @Test func passwordsAreStoredOnlyAsPBKDF2Hashes() {
        let user = ServerUser(name: "u", password: "secret", iterations: 2)
        let expected = PBKDF2.derive(
            password: Array("secret".utf8), salt: user.salt, iterations: 2)
        #expect(user.derivedKey == expected)
        #expect(user.verifies("secret"))
        #expect(!user.verifies("Secret"))
    }

    @Test func withoutAnAdminOnlyLoopbackIsServed() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-refuse-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = ServerConfiguration(dataDirectory: directory, host: "0.0.0.0", port: 0)
        let server = try PouchServer(configuration: configuration)
        await #expect(throws: PouchError.self) { try await server.start() }
    }

    @Test func withoutAnAdminEveryClientIsAnAdmin() async throws {
        let server = try await TestServer.start(admin: nil)
        defer { server.stop() }
        #expect(try await server.request("PUT", "/open", authorization: .some(nil)).status == 201)
    }

    @Test func logLinesNeverCarryPasswords() async throws {
        LogCapture.start()
        let marker = "db-\(UInt64.random(in: 0...UInt64.max))"
        try await Self.withServer { (server) async throws in
            _ = try await server.request(
                "POST", "/_session", json: ["name": "admin", "password": "admin"])
            _ = try await server.request("GET", "/\(marker)?password=admin")
        }
        #expect(!LogCapture.lines(containing: "POST /_session 200").isEmpty)
        let logged = LogCapture.lines(containing: marker)
        #expect(!logged.isEmpty)
        #expect(!logged.contains { $0.contains("password") || $0.contains("admin:admin") })
    }
}
