import Foundation
import Pouch
import PouchServer

/// A CHT-like server on `PouchServer`: it serves `medic` and each user's
/// `medic-user-{name}-meta`, authenticates CHT users by cookie session or
/// basic auth, and answers CHT's `get-ids` and `get-deletes`.
///
/// Every CouchDB endpoint of `medic` follows CHT's rules (see
/// `CHTMedicGate`): online users (`_admin`, `mm-online`) see all of it;
/// offline users read, list, follow and write only the documents their
/// facility gives them, and the other endpoints answer them 403. Each
/// meta database is open to its owner (and admins) only.
public final class CHTServer: Sendable {
    /// The underlying CouchDB-compatible server.
    public let server: PouchServer
    /// CHT's replication logic over `medic`.
    public let service: CHTReplicationService

    /// Starts a server on 127.0.0.1 with a free port, a `medic` holding
    /// `documents`, and a login and meta database for each of `users`
    /// (whose settings documents, `org.couchdb.user:<name>`, should be among
    /// `documents`).
    public static func start(
        dataDirectory: URL, admin: ServerConfiguration.Admin,
        users: [CHTGeneratedUser], documents: [JSON], port: Int = 0
    ) async throws -> CHTServer {
        let accounts = users.map {
            ServerUser(name: $0.name, password: $0.password, roles: $0.roles, iterations: 64)
        }
        let configuration = ServerConfiguration(
            dataDirectory: dataDirectory, host: "127.0.0.1", port: port, admin: admin,
            users: accounts, passwordIterations: 64)
        let server = try PouchServer(configuration: configuration)
        let medic = try await server.provider.createDatabase(named: "medic")
        _ = try await medic.bulkDocs(documents, newEdits: true)
        let roles = Set(users.flatMap(\.roles)).sorted()
        try await server.provider.setSecurity(
            ["members": ["roles": .array(roles.map(JSON.string))]], ofDatabase: "medic")
        for user in users {
            let name = CHTRules.metaDatabaseName(for: user.name)
            _ = try await server.provider.createDatabase(named: name)
            try await server.provider.setSecurity(
                ["members": ["names": [.string(user.name)]]], ofDatabase: name)
        }
        let cht = CHTServer(server: server, service: CHTReplicationService(medic: medic))
        cht.addRoutes()
        try await server.start()
        return cht
    }

    private init(server: PouchServer, service: CHTReplicationService) {
        self.server = server
        self.service = service
    }

    /// The port listened on.
    public var port: Int { server.port }

    /// `http://127.0.0.1:PORT`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    /// Stops listening.
    public func stop() { server.stop() }

    private var gate: CHTMedicGate { CHTMedicGate(service: service) }

    private func addRoutes() {
        server.setDatabaseView { [gate] request, database in
            try await gate.view(request, database)
        }
        server.addRoute(method: "GET", path: "/api/v1/replication/get-ids") { [self] request in
            let user = try await gate.context(of: request)
            return .json(try await service.getIDs(for: user).json)
        }
        server.addRoute(method: "POST", path: "/api/v1/replication/get-deletes") {
            [self] request in
            let user = try await gate.context(of: request)
            let ids = try request.jsonBody()["doc_ids"]?.arrayValue?.compactMap(\.stringValue)
            guard let ids else { throw PouchError.badRequest("doc_ids must be an array") }
            let removed = try await service.getDeletes(ids, for: user)
            return .json(["doc_ids": .array(removed.map(JSON.string))])
        }
    }
}
