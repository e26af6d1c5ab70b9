import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

/// Basic authentication, CouchDB cookie sessions and custom headers.
@Suite struct RemoteAuthTests {
    static let info: JSON = [
        "db_name": "db", "doc_count": 0, "doc_del_count": 0, "update_seq": "0-g1AAAA",
        "sizes": ["file": 1, "active": 2, "external": 3], "instance_start_time": "0",
    ]

    @Test(arguments: Transport.allCases)
    func basicCredentialsFromTheURLGoInAnAuthorizationHeader(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .json(200, Self.info) }
        defer { server.stop() }
        let db = transport.database(
            url: URL(string: "http://admin:secret@127.0.0.1:\(server.port)/db")!)

        _ = try await db.info()

        // base64("admin:secret") == "YWRtaW46c2VjcmV0"
        #expect(server.requests.first?.header("Authorization") == "Basic YWRtaW46c2VjcmV0")
    }

    @Test(arguments: Transport.allCases)
    func percentEncodedPasswordInTheURLIsDecodedFirst(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .json(200, Self.info) }
        defer { server.stop() }
        let url = URL(string: "http://u:p%40ss@127.0.0.1:\(server.port)/db")!

        _ = try await transport.database(url: url).info()

        // base64("u:p@ss") == "dTpwQHNz"
        #expect(server.requests.first?.header("Authorization") == "Basic dTpwQHNz")
    }

    @Test(arguments: Transport.allCases)
    func explicitCredentialsWinOverTheURLs(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .json(200, Self.info) }
        defer { server.stop() }
        let url = URL(string: "http://x:y@127.0.0.1:\(server.port)/db")!
        let db = transport.database(
            url: url, credentials: .basic(username: "admin", password: "secret"))

        _ = try await db.info()

        #expect(server.requests.first?.header("Authorization") == "Basic YWRtaW46c2VjcmV0")
    }

    @Test(arguments: Transport.allCases)
    func noCredentialsMeansNoAuthorizationHeader(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in .json(200, Self.info) }
        defer { server.stop() }

        _ = try await transport.database(url: server.url("/db")).info()

        #expect(server.requests.first?.header("Authorization") == nil)
    }

    @Test(arguments: Transport.allCases)
    func customHeadersGoOnEveryRequestIncludingTheLogin(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            request.path == "/_session"
                ? .json(200, ["ok": true], headers: [("Set-Cookie", "AuthSession=c1; Path=/")])
                : .json(200, Self.info)
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "p"),
            headers: ["X-Proxy-Token": "t0k", "X-Other": "1"])

        _ = try await db.info()
        _ = try await db.info()

        #expect(server.requests.count == 3)
        #expect(server.requests.allSatisfy { $0.header("X-Proxy-Token") == "t0k" })
        #expect(server.requests.allSatisfy { $0.header("X-Other") == "1" })
    }

    @Test(arguments: Transport.allCases)
    func cookieLoginPostsNameAndPasswordThenSendsTheCookie(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            guard request.path == "/_session" else { return .json(200, Self.info) }
            let cookie = "AuthSession=YWRtaW46NjU; Version=1; Path=/; HttpOnly"
            return .json(200, ["ok": true, "name": "admin"], headers: [("Set-Cookie", cookie)])
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "admin", password: "secret"))

        _ = try await db.info()
        _ = try await db.info()

        let requests = server.requests
        #expect(requests.map(\.method) == ["POST", "GET", "GET"])
        #expect(requests[0].path == "/_session")
        #expect(requests[0].json == ["name": "admin", "password": "secret"])
        #expect(requests[0].header("Content-Type") == "application/json")
        #expect(requests[1].header("Cookie") == "AuthSession=YWRtaW46NjU")
        #expect(requests[2].header("Cookie") == "AuthSession=YWRtaW46NjU")
        #expect(requests.allSatisfy { $0.header("Authorization") == nil })
    }

    @Test(arguments: Transport.allCases)
    func expiredCookieLeadsToOneFreshLoginAndARetry(transport: Transport) async throws {
        let logins = Mutex(0)
        let server = try StubHTTPServer { request in
            if request.path == "/_session" {
                let number = logins.withLock { count in
                    count += 1
                    return count
                }
                return .json(200, ["ok": true], headers: [("Set-Cookie", "AuthSession=c\(number)")])
            }
            if request.header("Cookie") == "AuthSession=c1" {
                return .error(401, "unauthorized", "Session expired")
            }
            return .json(200, Self.info)
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "p"))

        let info = try await db.info()

        #expect(info.name == "db")
        let requests = server.requests
        #expect(requests.map(\.path) == ["/_session", "/db", "/_session", "/db"])
        #expect(requests[3].header("Cookie") == "AuthSession=c2")
    }

    @Test(arguments: Transport.allCases)
    func secondRejectionAfterAFreshLoginSurfacesUnauthorized(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            if request.path == "/_session" {
                return .json(200, ["ok": true], headers: [("Set-Cookie", "AuthSession=c")])
            }
            return .error(401, "unauthorized", "You are not authorized to access this db.")
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "p"))

        let error = await #expect(throws: PouchError.self) { _ = try await db.info() }

        #expect(error == PouchError.unauthorized("You are not authorized to access this db."))
        #expect(server.requests.map(\.path) == ["/_session", "/db", "/_session", "/db"])
    }

    @Test(arguments: Transport.allCases)
    func wrongPasswordAtLoginSurfacesTheServersError(transport: Transport) async throws {
        let server = try StubHTTPServer { _ in
            .error(401, "unauthorized", "Name or password is incorrect.")
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "bad"))

        let error = await #expect(throws: PouchError.self) { _ = try await db.info() }

        #expect(error == PouchError.unauthorized("Name or password is incorrect."))
        #expect(server.requests.map(\.path) == ["/_session"])
    }

    @Test(arguments: Transport.allCases)
    func concurrentRequestsShareOneLogin(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            guard request.path == "/_session" else { return .json(200, Self.info) }
            let reply = StubHTTPServer.Reply.json(
                200, ["ok": true], headers: [("Set-Cookie", "AuthSession=c")])
            return .delayed(.milliseconds(100), reply)
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "p"))

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<5 { group.addTask { _ = try await db.info() } }
            try await group.waitForAll()
        }

        #expect(server.requests.filter { $0.path == "/_session" }.count == 1)
        #expect(server.requests.filter { $0.path == "/db" }.count == 5)
    }

    @Test(arguments: Transport.allCases)
    func refreshedCookieFromAnyAnswerIsUsedNext(transport: Transport) async throws {
        let server = try StubHTTPServer { request in
            if request.path == "/_session" {
                return .json(200, ["ok": true], headers: [("Set-Cookie", "AuthSession=old")])
            }
            return .json(200, Self.info, headers: [("Set-Cookie", "AuthSession=new; Path=/")])
        }
        defer { server.stop() }
        let db = transport.database(
            url: server.url("/db"), credentials: .cookie(username: "u", password: "p"))

        _ = try await db.info()
        _ = try await db.info()

        #expect(
            server.requests.map { $0.header("Cookie") } == [
                nil, "AuthSession=old", "AuthSession=new",
            ])
    }
}
