import Foundation
import Pouch
import Synchronization
import TestSupport
import Testing

@testable import PouchServer

/// The hook through which a host program (such as the CHT-like server)
/// decides what each request sees of a database.
@Suite struct DatabaseViewTests {
    @Test func theViewSeesDecodedPathsAndMayRefuseAfterSecurityChecks() async throws {
        let server = try await TestServer.start()
        defer { server.stop() }
        _ = try await server.request("PUT", "/db")
        let security: JSON = ["members": ["names": ["bob"]], "admins": ["names": []]]
        _ = try await server.request("PUT", "/db/_security", json: security)
        let seen = Mutex<[[String]]>([])
        server.server.setDatabaseView { request, database in
            seen.withLock { $0.append(request.pathSegments) }
            if request.pathSegments.last == "secret" { throw PouchError.forbidden("not this one") }
            return database
        }

        let stored = try await server.request("PUT", "/db/a%20b", json: ["v": 1])
        #expect(stored.status == 201)
        let refused = try await server.request("GET", "/db/secret")
        #expect(refused.status == 403)
        #expect(try refused.json == ["error": "forbidden", "reason": "not this one"])
        // An anonymous request fails CouchDB's member check before the view.
        let anonymous = try await server.request("GET", "/db/x", authorization: .some(nil))
        #expect(anonymous.status == 401)
        #expect(seen.withLock { $0 } == [["db", "a b"], ["db", "secret"]])
    }
}
