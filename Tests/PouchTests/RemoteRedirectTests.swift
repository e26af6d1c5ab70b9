import Foundation
import Pouch
import TestSupport
import Testing

/// Redirects are followed only to the same origin, so credentials never
/// reach another server.
@Suite struct RemoteRedirectTests {
    @Test(arguments: Transport.allCases)
    func redirectToAnotherOriginIsNotFollowed(transport: Transport) async throws {
        let other = try StubHTTPServer { _ in .json(200, ["db_name": "x", "doc_count": 0]) }
        defer { other.stop() }
        let server = try StubHTTPServer { _ in
            .response(status: 302, headers: [("Location", other.baseURL + "/db")], body: [])
        }
        defer { server.stop() }
        let url = URL(string: "http://admin:secret@127.0.0.1:\(server.port)/db")!

        let error = await #expect(throws: PouchError.self) {
            _ = try await transport.database(url: url).info()
        }

        #expect(error?.status == 302)
        #expect(error?.reason.contains("not followed") == true)
        #expect(other.requests.isEmpty)
    }

    @Test(arguments: Transport.allCases)
    func redirectWithinTheSameServerIsFollowed(transport: Transport) async throws {
        let info: JSON = ["db_name": "db", "doc_count": 0, "update_seq": "1-a"]
        let server = try StubHTTPServer { request in
            request.path == "/old"
                ? .response(status: 301, headers: [("Location", "/db")], body: [])
                : .json(200, info)
        }
        defer { server.stop() }

        let result = try await transport.database(url: server.url("/old")).info()

        #expect(result.name == "db")
        #expect(server.requests.map(\.path) == ["/old", "/db"])
    }
}
