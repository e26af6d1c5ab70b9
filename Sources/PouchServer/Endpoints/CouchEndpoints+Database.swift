import Foundation
import Pouch

extension CouchEndpoints {
    static func addDatabaseRoutes(to router: inout Router) {
        router.add("GET", "/{db}", allowed: "DELETE,GET,HEAD,POST") { try await info($0) }
        router.add("PUT", "/{db}") { try await createDatabase($0) }
        router.add("DELETE", "/{db}") { try await deleteDatabase($0) }
        router.add("POST", "/{db}") { try await postDocument($0) }
        router.add("POST", "/{db}/_compact") { try await compact($0) }
        router.add("POST", "/{db}/_view_cleanup") { try await compact($0) }
        router.add("POST", "/{db}/_ensure_full_commit") { request in
            _ = try await request.database()
            return .json(["ok": true, "instance_start_time": "0"], status: 201)
        }
        addSettingRoutes(to: &router)
        router.add("POST", "/{db}/_purge") { try await purge($0) }
    }

    private static func addSettingRoutes(to router: inout Router) {
        router.add("GET", "/{db}/_revs_limit", allowed: "PUT,GET") { request in
            .json(.int(Int64(try await request.database().revsLimit())))
        }
        router.add("PUT", "/{db}/_revs_limit") { request in
            let database = try await request.database(.admin)
            try await database.setRevsLimit(try positiveInteger(request, "revs_limit"))
            return .json(["ok": true])
        }
        router.add("GET", "/{db}/_purged_infos_limit", allowed: "PUT,GET") { request in
            .json(.int(Int64(try await request.database().purgedInfosLimit())))
        }
        router.add("PUT", "/{db}/_purged_infos_limit") { request in
            let database = try await request.database(.admin)
            try await database.setPurgedInfosLimit(
                try positiveInteger(request, "purged_infos_limit"))
            return .json(["ok": true])
        }
        router.add("GET", "/{db}/_security", allowed: "PUT,GET") { request in
            _ = try await request.database()
            return .json(
                try await request.server.provider.security(ofDatabase: request.databaseName))
        }
        router.add("PUT", "/{db}/_security") { try await putSecurity($0) }
    }

    /// `GET /db`: the database's summary under the name it was asked by.
    static func info(_ request: ServerRequest) async throws -> HTTPResponse {
        var info = try await request.database().info()
        info.name = try request.databaseName
        var json = info.json
        json["props"] = .object(JSONObject())
        return .json(json)
    }

    /// `PUT /db`: 201, or 412 `file_exists`; server admins only.
    static func createDatabase(_ request: ServerRequest) async throws -> HTTPResponse {
        let name = try request.databaseName
        try request.requireServerAdmin()
        _ = try await request.server.provider.createDatabase(named: name)
        let location = "/" + PathDecoding.encodeSegment(name)
        return .json(["ok": true], status: 201, headers: HTTPHeaders([("Location", location)]))
    }

    /// `DELETE /db`: server admins only. With `?rev=` CouchDB refuses, as
    /// the caller most likely meant a document whose id went missing.
    static func deleteDatabase(_ request: ServerRequest) async throws -> HTTPResponse {
        let name = try request.databaseName
        guard request.query["rev"] == nil else {
            throw PouchError.badRequest(
                "You tried to DELETE a database with a ?=rev parameter. "
                    + "Did you mean to DELETE a document instead?")
        }
        try request.requireServerAdmin()
        try await request.server.provider.deleteDatabase(named: name)
        return .json(["ok": true])
    }

    /// `POST /db/_compact`: compacts at once and answers 202 as CouchDB does.
    static func compact(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database(.admin)
        try await database.compact()
        return .json(["ok": true], status: 202)
    }

    /// The positive integer body of a settings `PUT`.
    static func positiveInteger(_ request: ServerRequest, _ name: String) throws -> Int {
        guard let value = try request.jsonBody().intValue, value > 0 else {
            throw PouchError.badRequest("`\(name)` must be positive integer")
        }
        return value
    }

    /// `PUT /db/_security`: database admins only.
    static func putSecurity(_ request: ServerRequest) async throws -> HTTPResponse {
        _ = try await request.database(.admin)
        let security = try SecurityObject(validating: request.jsonBody())
        try await request.server.provider.setSecurity(
            security.json, ofDatabase: request.databaseName)
        return .json(["ok": true])
    }

    /// `POST /db/_purge` with `{id: [rev, ...]}`: 201 with every asked id
    /// and the revisions actually purged.
    static func purge(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database(.admin)
        let body = try request.jsonBody()
        guard let object = body.objectValue else {
            throw PouchError.badRequest("Invalid list of revisions")
        }
        var asked: [String: [RevisionID]] = [:]
        for (id, revs) in object {
            guard let list = revs.arrayValue else {
                throw PouchError.badRequest("Invalid list of revisions")
            }
            asked[id] = try list.map { value throws(PouchError) in
                guard let text = value.stringValue else {
                    throw PouchError.badRequest("Invalid list of revisions")
                }
                return try RevisionID(validating: text)
            }
        }
        let purged = try await database.purge(asked)
        var result = JSONObject()
        for (id, _) in object {
            result[id] = .array((purged[id] ?? []).map { .string($0.description) })
        }
        return .json(["purge_seq": .null, "purged": .object(result)], status: 201)
    }
}
