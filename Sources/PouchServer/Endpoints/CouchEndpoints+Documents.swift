import Foundation
import Pouch

extension CouchEndpoints {
    /// `GET /db/doc` with CouchDB's query options, `open_revs`, and the
    /// revision as `ETag` (304 for a matching `If-None-Match`).
    static func getDocument(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let id = request.documentID
        if id.hasPrefix("_local/") {
            guard let doc = try await database.localDocument(id) else {
                throw PouchError.notFound("missing")
            }
            return .json(doc)
        }
        let options = try getOptions(request.query)
        if let openRevs = request.query["open_revs"] {
            let revisions = try openRevisions(openRevs)
            let results = try await database.openRevisions(
                id, revisions: revisions, options: options)
            return .json(.array(results.map(openRevisionJSON)))
        }
        let doc = try await database.get(id, options: options)
        let etag = "\"\(doc["_rev"]?.stringValue ?? "")\""
        if request.http.headers["If-None-Match"] == etag {
            return HTTPResponse(status: 304, headers: HTTPHeaders([("ETag", etag)]))
        }
        return .json(doc, headers: HTTPHeaders([("ETag", etag)]))
    }

    /// The `GetOptions` a document request's query asks for.
    static func getOptions(_ query: QueryParameters) throws -> GetOptions {
        var options = GetOptions()
        if let rev = query["rev"] { options.rev = try RevisionID(validating: rev) }
        options.revs = try query.bool("revs")
        options.revsInfo = try query.bool("revs_info")
        options.conflicts = try query.bool("conflicts")
        options.deletedConflicts = try query.bool("deleted_conflicts")
        options.localSeq = try query.bool("local_seq")
        options.attachments = try query.bool("attachments")
        options.latest = try query.bool("latest")
        if try query.bool("meta") {
            options.conflicts = true
            options.deletedConflicts = true
            options.revsInfo = true
        }
        if let since = try query.json("atts_since") {
            options.attsSince = try revisionList(since, reason: "atts_since must be a list")
        }
        return options
    }

    private static func openRevisions(_ text: String) throws -> OpenRevisions {
        if text == "all" { return .all }
        guard let json = try? JSON(parsing: text), json.arrayValue != nil else {
            throw PouchError.badRequest("open_revs must be all or a JSON list of revisions")
        }
        return .revisions(try revisionList(json, reason: "Invalid rev format"))
    }

    /// A JSON list of revision strings.
    static func revisionList(_ json: JSON, reason: String) throws -> [RevisionID] {
        guard let array = json.arrayValue else { throw PouchError.badRequest(reason) }
        return try array.map { value in
            guard let text = value.stringValue else { throw PouchError.badRequest(reason) }
            return try RevisionID(validating: text)
        }
    }

    private static func openRevisionJSON(_ result: OpenRevisionResult) -> JSON {
        switch result {
        case .ok(let doc): return ["ok": doc]
        case .missing(let rev): return ["missing": .string(rev.description)]
        }
    }

    /// `PUT /db/doc`: creates or updates; the URL's id wins over the body's,
    /// the revision comes from `?rev=`, `If-Match` or `_rev`.
    static func putDocument(_ request: ServerRequest) async throws -> HTTPResponse {
        let id = request.documentID
        let database = try await request.database(id.hasPrefix("_design/") ? .admin : .member)
        let contentType = request.http.headers["Content-Type"] ?? ""
        var doc =
            contentType.lowercased().hasPrefix("multipart/related")
            ? try MultipartRelated.document(body: request.http.body, contentType: contentType)
            : try request.jsonBody()
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        doc["_id"] = .string(id)
        try applyRequestRevision(request, to: &doc)
        let result: WriteResult
        if id.hasPrefix("_local/") {
            result = try await database.putLocalDocument(doc)
        } else if try !newEdits(request) {
            result = try await writeReplicated(doc, id: id, to: database)
        } else {
            result = try await database.put(doc)
        }
        return try written(result, request, status: 201)
    }

    /// Puts the revision of `?rev=` or `If-Match` into `_rev`, after
    /// CouchDB's `couch_doc_from_req`: a body that has a `_rev` is checked
    /// against `?rev=` only (400 when they differ; `If-Match` is then not
    /// read).
    private static func applyRequestRevision(_ request: ServerRequest, to doc: inout JSON) throws {
        if let bodyRev = doc["_rev"] {
            if let query = request.query["rev"], bodyRev != .string(query) {
                throw PouchError.badRequest(
                    "Document rev from request body and query string have different values")
            }
            return
        }
        guard let text = try requestRevision(request) else { return }
        if !request.documentID.hasPrefix("_local/") { _ = try RevisionID(validating: text) }
        doc["_rev"] = .string(text)
    }

    /// The revision a request names by `?rev=` or `If-Match`, after
    /// CouchDB's `extract_header_rev`: both may be given only if they agree
    /// (400 otherwise).
    static func requestRevision(_ request: ServerRequest) throws -> String? {
        let query = request.query["rev"]
        let header = ifMatch(request)
        if let query, let header, query != header {
            throw PouchError.badRequest("Document rev and etag have different values")
        }
        return query ?? header
    }

    private static func ifMatch(_ request: ServerRequest) -> String? {
        guard var value = request.http.headers["If-Match"] else { return nil }
        if value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 {
            value = String(value.dropFirst().dropLast())
        }
        return value
    }

    private static func newEdits(_ request: ServerRequest) throws -> Bool {
        guard let value = request.query["new_edits"] else { return true }
        return value != "false"
    }

    /// A document with its own `_rev` and history, written as replication
    /// writes it (`new_edits=false`).
    private static func writeReplicated(
        _ doc: JSON, id: String, to database: any ServedDatabase
    ) async throws -> WriteResult {
        guard let text = doc["_rev"]?.stringValue else {
            throw PouchError.badRequest("Invalid rev format")
        }
        let rev = try RevisionID(validating: text)
        let results = try await database.bulkDocs([doc], newEdits: false)
        if let error = results.first(where: { $0.error != nil })?.error { throw error }
        return WriteResult(id: id, rev: rev)
    }

    /// `POST /db`: a new document under its `_id`, or a generated one.
    static func postDocument(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let doc = try request.jsonBody()
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        let result: WriteResult
        if let id = doc["_id"]?.stringValue, id.hasPrefix("_local/") {
            result = try await database.putLocalDocument(doc)
        } else if let id = doc["_id"]?.stringValue, id.hasPrefix("_design/"),
            !(try await request.isDatabaseAdmin(request.databaseName))
        {
            throw request.denied(
                "You are not a db or server admin.", forbidden: "You are not a db or server admin.")
        } else if doc["_id"] != nil {
            result = try await database.put(doc)
        } else {
            result = try await database.post(doc)
        }
        return try written(result, request, status: 201)
    }

    /// `DELETE /db/doc?rev=`: a tombstone; a `_local` document needs no rev.
    static func deleteDocument(_ request: ServerRequest) async throws -> HTTPResponse {
        let id = request.documentID
        let database = try await request.database(id.hasPrefix("_design/") ? .admin : .member)
        let text = try requestRevision(request)
        if id.hasPrefix("_local/") {
            try await deleteLocal(id, rev: text, from: database)
            return .json(["ok": true, "id": .string(id), "rev": "0-0"])
        }
        guard let text else { throw PouchError.conflict() }
        let result = try await database.remove(id, rev: try RevisionID(validating: text))
        return try written(result, request, status: 200)
    }

    private static func deleteLocal(
        _ id: String, rev text: String?, from database: any ServedDatabase
    ) async throws {
        var rev = text.flatMap { RevisionID($0) }
        if text == nil {
            guard let current = try await database.localDocument(id) else {
                throw PouchError.notFound("missing")
            }
            rev = current["_rev"]?.stringValue.flatMap { RevisionID($0) }
        }
        guard let rev else { throw PouchError.badRequest("Invalid rev format") }
        try await database.removeLocalDocument(id, rev: rev)
    }

    /// CouchDB's `{"ok", "id", "rev"}` answer with `ETag` and `Location`.
    static func written(
        _ result: WriteResult, _ request: ServerRequest, status: Int
    ) throws -> HTTPResponse {
        let location =
            "/" + PathDecoding.encodeSegment(try request.databaseName) + "/"
            + PathDecoding.encodeSegment(result.id)
        let headers = HTTPHeaders([
            ("ETag", "\"\(result.rev)\""), ("Location", location),
        ])
        if request.query["batch"] == "ok" {
            return .json(["ok": true, "id": .string(result.id)], status: 202, headers: headers)
        }
        return .json(result.json, status: status, headers: headers)
    }
}
