import Foundation
import Pouch
import Testing

@testable import PouchCHT

/// Which endpoints of `medic` offline users reach at all, after CHT's API
/// routing and firewall, and the privacy of each user's meta database.
@Suite struct CHTMedicGateTests {
    func withServer(_ body: (CHTAccessServer) async throws -> Void) async throws {
        let server = try await CHTAccessServer.start()
        defer { server.stop() }
        try await body(server)
    }

    @Test func classifiesEndpointsAsCHTsRoutingDoes() {
        let open: [(String, [String])] = [
            ("POST", ["medic"]), ("GET", ["medic", "P1"]),
            ("PUT", ["medic", "P1"]), ("DELETE", ["medic", "P1"]),
            ("GET", ["medic", "P1", "photo.jpg"]), ("GET", ["medic", "_design", "medic-client"]),
            ("GET", ["medic", "_all_docs"]), ("POST", ["medic", "_all_docs"]),
            ("POST", ["medic", "_bulk_get"]), ("POST", ["medic", "_bulk_docs"]),
            ("GET", ["medic", "_changes"]), ("POST", ["medic", "_revs_diff"]),
            ("PUT", ["medic", "_local", "checkpoint"]),
        ]
        let closed: [(String, [String])] = [
            ("GET", ["medic"]), ("HEAD", ["medic"]), ("POST", ["medic", "_find"]),
            ("POST", ["medic", "_explain"]),
            ("GET", ["medic", "_index"]), ("GET", ["medic", "_security"]),
            ("POST", ["medic", "_purge"]), ("GET", ["medic", "_design_docs"]),
            ("GET", ["medic", "_local_docs"]), ("GET", ["medic", "_revs_limit"]),
            ("POST", ["medic", "_compact"]), ("POST", ["medic", "_ensure_full_commit"]),
            ("PUT", ["medic", "_design", "medic-client"]),
            ("GET", ["medic", "_design", "medic-client", "_view", "x"]),
        ]
        for (method, path) in open {
            #expect(CHTMedicGate.isOpenToOfflineUsers(method, path), "\(method) \(path)")
        }
        for (method, path) in closed {
            #expect(!CHTMedicGate.isOpenToOfflineUsers(method, path), "\(method) \(path)")
        }
    }

    @Test func closedEndpointsAnswerOfflineUsers403AndOnlineUsersNormally() async throws {
        try await withServer { server in
            let find: JSON = ["selector": ["type": "person"]]
            let closed: [(String, String, JSON?)] = [
                ("POST", "/medic/_find", find), ("POST", "/medic/_explain", find),
                ("GET", "/medic/_index", nil), ("GET", "/medic/_security", nil),
                ("GET", "/medic/_design_docs", nil), ("GET", "/medic/_local_docs", nil),
                ("GET", "/medic/_revs_limit", nil), ("POST", "/medic/_ensure_full_commit", nil),
                ("GET", "/medic", nil),
            ]
            for (method, target, body) in closed {
                let answer = try await server.request(method, target, as: "chw1", json: body)
                #expect(answer.status == 403, "\(target)")
                #expect(try answer.json == offlineFirewall, "\(target)")
            }
            for user in ["manager", "admin"] {
                #expect(try await server.request("GET", "/medic", as: user).status == 200)
                let answer = try await server.request("POST", "/medic/_find", as: user, json: find)
                #expect(answer.status == 200)
                let found = try answer.json["docs"]?.arrayValue ?? []
                // Every person of the hierarchy, across both facilities.
                #expect(found.count == 8)
            }
        }
    }

    @Test func anOfflineUserWithoutSettingsSeesNothing() async throws {
        try await withServer { server in
            for target in ["/medic/settings", "/medic/_all_docs", "/medic/_changes"] {
                let answer = try await server.request("GET", target, as: "stranger")
                #expect(answer.status == 403)
                #expect(
                    try answer.json
                        == [
                            "error": "forbidden",
                            "reason": "no user-settings document with a facility for stranger",
                        ])
            }
        }
    }

    @Test func replicationPlumbingStaysOpenToOfflineUsers() async throws {
        try await withServer { server in
            let checkpoint = try await server.request(
                "PUT", "/medic/_local/chw1-upload", as: "chw1", json: ["last_seq": 3])
            #expect(checkpoint.status == 201)
            let read = try await server.request("GET", "/medic/_local/chw1-upload", as: "chw1")
            #expect(try read.json["last_seq"] == 3)
            let diff = try await server.request(
                "POST", "/medic/_revs_diff", as: "chw1", json: ["P1": ["9-x"]])
            #expect(try diff.json["P1"]?["missing"] == ["9-x"])
            let adminDiff = try await server.request(
                "POST", "/medic/_revs_diff", as: "admin", json: ["P1": ["9-x"]])
            #expect(try diff.json == adminDiff.json)
        }
    }

    @Test func aMetaDatabaseIsItsOwnersOnly() async throws {
        try await withServer { server in
            let path = "/medic-user-chw1-meta"
            let put = try await server.request(
                "PUT", path + "/read:report:R1", as: "chw1", json: [:])
            #expect(put.status == 201)
            #expect(
                try await server.request("GET", path + "/read:report:R1", as: "chw1").status == 200)
            #expect(try await server.request("GET", path + "/_all_docs", as: "admin").status == 200)

            let denied: JSON = [
                "error": "forbidden", "reason": "You are not allowed to access this db.",
            ]
            for target in [path, path + "/_all_docs", path + "/read:report:R1"] {
                for user in ["chw2", "manager"] {
                    let answer = try await server.request("GET", target, as: user)
                    #expect(answer.status == 403, "\(user) \(target)")
                    #expect(try answer.json == denied)
                }
            }
            let write = try await server.request(
                "PUT", path + "/feedback-x", as: "chw2", json: ["type": "feedback"])
            #expect(write.status == 403)
            let anonymous = try await server.request("GET", path, as: nil)
            #expect(anonymous.status == 401)
        }
    }
}
