import Foundation
import Pouch

extension CouchEndpoints {
    static func addBulkRoutes(to router: inout Router) {
        router.add("POST", "/{db}/_bulk_docs") { try await bulkDocs($0) }
        router.add("POST", "/{db}/_bulk_get") { try await bulkGet($0) }
        router.add("POST", "/{db}/_revs_diff") { try await revsDiff($0) }
        router.add("GET", "/{db}/_all_docs", allowed: "GET,HEAD,POST") { try await allDocs($0) }
        router.add("POST", "/{db}/_all_docs") { try await allDocs($0) }
        router.add("GET", "/{db}/_design_docs", allowed: "GET,HEAD,POST") {
            try await allDocs($0, designOnly: true)
        }
        router.add("POST", "/{db}/_design_docs") { try await allDocs($0, designOnly: true) }
        router.add("GET", "/{db}/_local_docs", allowed: "GET,HEAD,POST") { try await localDocs($0) }
        router.add("POST", "/{db}/_local_docs") { try await localDocs($0) }
    }

    /// `POST /db/_bulk_docs` with `{docs, new_edits}`: 201 with a row per
    /// document (with `new_edits: false`, rows only for failures).
    static func bulkDocs(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        if let replicated = BulkDocsText.replicatedDocuments(request.http.body) {
            // Replicated bodies are stored as their text, never parsed.
            try await checkDesignWrites(ids: replicated.map(\.id), request)
            return .json(.array(try await writeReplicated(replicated, to: database)), status: 201)
        }
        let body = try request.jsonObjectBody()
        guard let value = body["docs"] else {
            throw PouchError.badRequest("POST body must include `docs` parameter.")
        }
        guard let docs = value.arrayValue else {
            throw PouchError.badRequest("`docs` parameter must be an array.")
        }
        guard docs.allSatisfy({ $0.objectValue != nil }) else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        try await checkDesignWrites(ids: docs.map { $0["_id"]?.stringValue ?? "" }, request)
        let newEdits = body["new_edits"]?.boolValue ?? true
        let rows = try await writeBulk(docs, newEdits: newEdits, to: database)
        return .json(.array(rows), status: 201)
    }

    private static func checkDesignWrites(ids: [String], _ request: ServerRequest) async throws {
        let touchesDesign = ids.contains { $0.hasPrefix("_design/") }
        if touchesDesign, !(try await request.isDatabaseAdmin(request.databaseName)) {
            throw request.denied(
                "You are not a db or server admin.", forbidden: "You are not a db or server admin.")
        }
    }

    /// Writes `_local` documents one by one and the others in one batch,
    /// answering rows in the order of `docs`.
    private static func writeBulk(
        _ docs: [JSON], newEdits: Bool, to database: any ServedDatabase
    ) async throws -> [JSON] {
        let isLocal = docs.map { $0["_id"]?.stringValue?.hasPrefix("_local/") ?? false }
        let stored = docs.enumerated().filter { !isLocal[$0.offset] }.map(\.element)
        var storedRows = try await database.bulkDocs(stored, newEdits: newEdits)
            .map(\.json)[...]
        var rows: [JSON] = []
        for (index, doc) in docs.enumerated() {
            if isLocal[index] {
                rows.append(try await writeLocal(doc, to: database))
            } else if newEdits, let row = storedRows.popFirst() {
                rows.append(row)
            }
        }
        if !newEdits { rows = rows.filter { $0["error"] != nil } + storedRows }
        return rows
    }

    /// `writeBulk` with `new_edits: false` for documents kept as text: the
    /// others stored in one batch, then `_local` ones one by one; only
    /// failures are answered.
    private static func writeReplicated(
        _ docs: [ReplicatedDocument], to database: any ServedDatabase
    ) async throws -> [JSON] {
        let isLocal = docs.map { $0.id.hasPrefix("_local/") }
        let stored = docs.indices.filter { !isLocal[$0] }.map { docs[$0] }
        let storedRows = try await database.bulkDocs(replicated: stored).map(\.json)
        var rows: [JSON] = []
        for (index, doc) in docs.enumerated() where isLocal[index] {
            let row = try await writeLocal(try doc.parsed(), to: database)
            if row["error"] != nil { rows.append(row) }
        }
        return rows + storedRows
    }

    private static func writeLocal(
        _ doc: JSON, to database: any ServedDatabase
    ) async throws
        -> JSON
    {
        let id = doc["_id"]?.stringValue ?? ""
        do {
            return try await database.putLocalDocument(doc).json
        } catch let error as PouchError {
            return BulkDocsResult(id: id, error: error).json
        }
    }

    /// `POST /db/_bulk_get` with `{docs: [{id, rev, atts_since}]}`.
    static func bulkGet(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let body = try request.jsonObjectBody()
        guard let entries = body["docs"]?.arrayValue else {
            throw PouchError.badRequest("Missing JSON list of 'docs'.")
        }
        let options = BulkGetOptions(
            revs: try request.query.bool("revs"),
            attachments: try request.query.bool("attachments"),
            latest: try request.query.bool("latest"))
        var requests: [BulkGetRequest] = []
        var rows: [JSON?] = []
        for entry in entries {
            switch bulkGetRequest(entry) {
            case .success(let item):
                requests.append(item)
                rows.append(nil)
            case .failure(let row):
                rows.append(row.json)
            }
        }
        if let local = database as? Database {
            // Stored bodies go out as they are, without being parsed.
            let results = try await local.bulkGetText(requests, options: options)
            return bulkGetAnswer(rows: rows, results: results)
        }
        var results = try await database.bulkGet(requests, options: options)[...]
        // A database view may withhold every revision of a document (as
        // CHT's API does for offline users); such a result is left out.
        let answered = rows.map { $0 ?? results.popFirst()?.json ?? .null }
            .filter { $0["docs"]?.arrayValue?.isEmpty != true }
        return .json(["results": .array(answered)])
    }

    /// `{"results": [...]}` written from the entries that could not be
    /// asked (`rows`) and the answers to the others, in request order.
    private static func bulkGetAnswer(
        rows: [JSON?], results: [BulkGetTextResult]
    ) -> HTTPResponse {
        var results = results[...]
        var bytes: [UInt8] = []
        bytes.reserveCapacity(results.count * 512)
        bytes.append(contentsOf: #"{"results":["#.utf8)
        for (index, row) in rows.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            if let row {
                row.serialize(into: &bytes)
            } else if let result = results.popFirst() {
                result.serialize(into: &bytes)
            }
        }
        bytes.append(contentsOf: "]}".utf8)
        return .json(text: bytes)
    }

    private struct BulkGetRow: Error {
        var json: JSON
    }

    private static func bulkGetRequest(_ entry: JSON) -> Result<BulkGetRequest, BulkGetRow> {
        guard let id = entry["id"]?.stringValue else {
            return .failure(errorRow(id: nil, rev: nil, reason: "document id missed"))
        }
        var request = BulkGetRequest(id: id)
        if let text = entry["rev"]?.stringValue {
            guard let rev = RevisionID(text), rev.generation > 0 else {
                return .failure(errorRow(id: id, rev: text, reason: "Invalid rev format"))
            }
            request.rev = rev
        }
        if let since = entry["atts_since"]?.arrayValue {
            request.attsSince = since.compactMap { $0.stringValue.flatMap { RevisionID($0) } }
        }
        return .success(request)
    }

    private static func errorRow(id: String?, rev: String?, reason: String) -> BulkGetRow {
        let idJSON = id.map(JSON.string) ?? .null
        let error: JSON = [
            "id": idJSON, "rev": rev.map(JSON.string) ?? .null, "error": "bad_request",
            "reason": .string(reason),
        ]
        return BulkGetRow(json: ["id": idJSON, "docs": [["error": error]]])
    }

    /// `POST /db/_revs_diff` with `{id: [rev, ...]}`: the ids with revisions
    /// this database lacks.
    static func revsDiff(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let body = try request.jsonObjectBody()
        var asked: [String: [RevisionID]] = [:]
        for (id, revs) in body.objectValue ?? JSONObject() {
            asked[id] = try revisionList(revs, reason: "Invalid rev format")
        }
        let diff = try await database.revsDiff(asked)
        var answer = JSONObject()
        for (id, _) in body.objectValue ?? JSONObject() {
            if let result = diff[id], !result.missing.isEmpty { answer[id] = result.json }
        }
        return .json(.object(answer))
    }
}
