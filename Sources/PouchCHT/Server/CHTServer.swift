import Foundation
import Pouch
import PouchServer

/// A CHT-like server on `PouchServer`: it serves `medic` and each user's
/// `medic-user-{name}-meta`, authenticates CHT users by cookie session or
/// basic auth, answers CHT's `get-ids` and `get-deletes`, and stores only
/// what a user may write through `POST /medic/_bulk_docs` (refusals are
/// `{"id", "error": "forbidden"}` rows).
///
/// Limitation: only `_bulk_docs` of `medic` is restricted
/// per user; other CouchDB endpoints of `medic` (`_all_docs`, `_changes`,
/// single documents) answer any member, so it suits tests and trusted
/// embeddings, not untrusted users.
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

    private func addRoutes() {
        server.addRoute(method: "GET", path: "/api/v1/replication/get-ids") { [self] request in
            let user = try await context(of: request)
            return .json(try await service.getIDs(for: user).json)
        }
        server.addRoute(method: "POST", path: "/api/v1/replication/get-deletes") {
            [self] request in
            let user = try await context(of: request)
            let ids = try request.jsonBody()["doc_ids"]?.arrayValue?.compactMap(\.stringValue)
            guard let ids else { throw PouchError.badRequest("doc_ids must be an array") }
            let removed = try await service.getDeletes(ids, for: user)
            return .json(["doc_ids": .array(removed.map(JSON.string))])
        }
        server.addRoute(method: "POST", path: "/medic/_bulk_docs") { [self] request in
            try await bulkDocs(request)
        }
    }

    /// `POST /medic/_bulk_docs`, checked per document for CHT users.
    private func bulkDocs(_ request: ServerRequest) async throws -> HTTPResponse {
        let body = try request.jsonBody()
        guard let docs = body["docs"]?.arrayValue else {
            throw PouchError.badRequest("POST body must include `docs` parameter.")
        }
        let newEdits = body["new_edits"]?.boolValue ?? true
        let results: [BulkDocsResult]
        if request.user.isAdmin {
            results = try await service.medic.bulkDocs(docs, newEdits: newEdits)
        } else {
            let peer = CHTUserMedicPeer(service: service, user: try await context(of: request))
            results = try await peer.bulkDocs(docs, newEdits: newEdits)
        }
        return .json(.array(results.map(\.json)), status: 201)
    }

    /// The CHT user making `request`, from their settings document and
    /// the `replication_depth` of `settings`.
    private func context(of request: ServerRequest) async throws -> CHTUserContext {
        guard let name = request.user.name else {
            throw PouchError.unauthorized("You are not authorized to access this db.")
        }
        let settings = try? await service.medic.get("org.couchdb.user:" + name)
        guard let settings, let user = CHTUserContext(userSettings: settings) else {
            throw PouchError.forbidden("\(name) is not an offline CHT user")
        }
        guard let appSettings = try? await service.medic.get("settings") else { return user }
        return user.applyingReplicationDepth(settings: appSettings)
    }
}
