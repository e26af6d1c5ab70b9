import Foundation
import Pouch
import PouchServer
import TestSupport

@testable import PouchCHT

/// A `CHTServer` on loopback holding `Hierarchy.all`, with chw1 (HC1) and
/// chw2 (HC2) as offline users, `manager` as an online user (`mm-online`),
/// `stranger` as an offline user without a settings document and `admin`
/// as server admin; requests are sent raw with basic auth.
final class CHTAccessServer: Sendable {
    let cht: CHTServer
    let folder: TemporaryFolder

    static let users = [
        CHTGeneratedUser(
            name: "chw1", password: "pw1", roles: ["chw"], facilityID: "HC1", contactID: "CHW1"),
        CHTGeneratedUser(
            name: "chw2", password: "pw2", roles: ["chw"], facilityID: "HC2", contactID: "CHW2"),
        CHTGeneratedUser(
            name: "manager", password: "pwm", roles: ["mm-online", "national_manager"],
            facilityID: "D1", contactID: "SUP"),
        // An offline user whose settings document is missing from `medic`.
        CHTGeneratedUser(
            name: "stranger", password: "pws", roles: ["chw"], facilityID: "HC1",
            contactID: "P1"),
    ]

    static let passwords = [
        "chw1": "pw1", "chw2": "pw2", "manager": "pwm", "stranger": "pws", "admin": "admin",
    ]

    /// chw1's documents, as worked out by hand in `CHTAccessRulesTests`.
    static let chw1IDs = CHTSyncDownloadTests.chw1Expected

    /// chw2's documents, as worked out by hand in `CHTAccessRulesTests`.
    static let chw2IDs: Set<String> = Set(
        ["HC2", "H2", "CHW2", "P3", "M", "R2", "R5", "R6", "org.couchdb.user:chw2"]
            + Hierarchy.everyone)

    private init(cht: CHTServer, folder: TemporaryFolder) {
        self.cht = cht
        self.folder = folder
    }

    static func start() async throws -> CHTAccessServer {
        let folder = try TemporaryFolder()
        let cht = try await CHTServer.start(
            dataDirectory: URL(fileURLWithPath: folder.path + "/data"),
            admin: .init(name: "admin", password: "admin"), users: users,
            documents: Hierarchy.all)
        return CHTAccessServer(cht: cht, folder: folder)
    }

    func stop() {
        cht.stop()
        folder.remove()
    }

    /// Sends one request as `user` (`nil`: anonymous) on a fresh
    /// connection and reads the answer.
    func request(
        _ method: String, _ target: String, as user: String?, json body: JSON? = nil,
        raw: [UInt8]? = nil, contentType: String? = nil
    ) async throws -> LoopbackSocket.Response {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let user, let password = Self.passwords[user] {
            let token = Data("\(user):\(password)".utf8).base64EncodedString()
            head += "Authorization: Basic \(token)\r\n"
        }
        let bytes = raw ?? body?.serializedBytes()
        if let type = contentType ?? (body != nil ? "application/json" : nil) {
            head += "Content-Type: \(type)\r\n"
        }
        if let bytes { head += "Content-Length: \(bytes.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + (bytes ?? [])
        let port = cht.port
        return try await onThread {
            let socket = try LoopbackSocket(port: port)
            try socket.send(request)
            return try socket.readResponse(toHead: method == "HEAD")
        }
    }

    /// The body of `GET target` as the server admin sees it.
    func adminJSON(_ target: String) async throws -> JSON {
        try await request("GET", target, as: "admin").json
    }

    /// The current revision of `id`, read as admin.
    func rev(_ id: String) async throws -> String {
        try await cht.service.medic.get(id)["_rev"]?.stringValue ?? ""
    }
}

/// CHT's answer to a document an offline user may not touch.
let insufficientPrivileges: JSON = ["error": "forbidden", "reason": "Insufficient privileges"]

/// CHT's answer to an endpoint closed to offline users.
let offlineFirewall: JSON = [
    "error": "forbidden", "reason": "Offline users are not allowed access to this endpoint",
]
