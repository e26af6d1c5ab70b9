extension RemoteDatabase {
    /// A document from `GET /db/id`, with every `GetOptions` as a query
    /// option (`rev`, `revs`, `revs_info`, `conflicts`, `deleted_conflicts`,
    /// `local_seq`, `attachments`, `atts_since`, `latest`).
    ///
    /// - Throws: `not_found` with reason `missing` or `deleted`.
    public func get(_ id: String, options: GetOptions) async throws -> JSON {
        var request = HTTPRequest("GET", try Self.documentPath(id, writing: false))
        if let rev = options.rev { request.add("rev", rev.description) }
        Self.addReadOptions(options, to: &request)
        return try await client.json(request)
    }

    /// Several revisions of a document from `GET /db/id?open_revs=...`,
    /// asked with `Accept: application/json` so CouchDB answers JSON rather
    /// than multipart.
    ///
    /// - Throws: `not_found` when `revisions` is `.all` and the document
    ///   has never existed.
    public func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) async throws -> [OpenRevisionResult] {
        var request = HTTPRequest("GET", try Self.documentPath(id, writing: false))
        switch revisions {
        case .all: request.add("open_revs", "all")
        case .revisions(let list): request.add("open_revs", json: JSON(revisions: list))
        }
        Self.addReadOptions(options, to: &request)
        return try RemoteDecoding.openRevisions(try await client.json(request))
    }

    // Limitation: attachment bodies asked with `attachments` come inline as
    // base64 JSON, never as multipart/related, so they cost a third more
    // bytes on the wire than CouchDB's multipart answer.
    private static func addReadOptions(_ options: GetOptions, to request: inout HTTPRequest) {
        request.add("revs", flag: options.revs)
        request.add("revs_info", flag: options.revsInfo)
        request.add("conflicts", flag: options.conflicts)
        request.add("deleted_conflicts", flag: options.deletedConflicts)
        request.add("local_seq", flag: options.localSeq)
        request.add("attachments", flag: options.attachments)
        if let since = options.attsSince { request.add("atts_since", json: JSON(revisions: since)) }
        request.add("latest", flag: options.latest)
    }

    /// Creates or updates a document with `PUT /db/id`; the body carries
    /// `_rev` for an update.
    ///
    /// - Throws: `missing_id` (412) when the document has no `_id`;
    ///   `conflict` when `_rev` is not the current leaf.
    @discardableResult
    public func put(_ doc: JSON) async throws -> WriteResult {
        let id = try Self.documentID(of: doc)
        var request = HTTPRequest("PUT", PercentEncoding.documentPath(id))
        request.setBody(doc)
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// Creates a document with `POST /db`; the server picks the id unless
    /// the body has one.
    @discardableResult
    public func post(_ doc: JSON) async throws -> WriteResult {
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        var request = HTTPRequest("POST")
        request.setBody(doc)
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// Deletes a revision with `DELETE /db/id?rev=...`, leaving a tombstone.
    @discardableResult
    public func remove(_ id: String, rev: RevisionID) async throws -> WriteResult {
        var request = HTTPRequest("DELETE", try Self.documentPath(id, writing: true))
        request.add("rev", rev.description)
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// The path of document `id`. An empty id would name the database
    /// itself (`GET /db`, or `DELETE /db`, which drops it), so it is refused
    /// as a local database refuses it: `illegal_docid` for a write, and
    /// `not_found` `missing` for a read.
    static func documentPath(_ id: String, writing: Bool) throws(PouchError) -> String {
        guard !id.isEmpty else {
            throw writing
                ? PouchError.illegalDocID("Document id must not be empty")
                : PouchError.notFound("missing")
        }
        return PercentEncoding.documentPath(id)
    }

    /// Lists documents with `GET /db/_all_docs`, or `POST` with the `keys`
    /// in the body so any number fit.
    public func allDocs(_ options: AllDocsOptions) async throws -> AllDocsResponse {
        var request = HTTPRequest("GET", "_all_docs")
        if let startKey = options.startKey { request.add("startkey", json: .string(startKey)) }
        if let endKey = options.endKey { request.add("endkey", json: .string(endKey)) }
        if !options.inclusiveEnd { request.add("inclusive_end", "false") }
        request.add("descending", flag: options.descending)
        if options.skip > 0 { request.add("skip", String(options.skip)) }
        if let limit = options.limit { request.add("limit", String(limit)) }
        request.add("include_docs", flag: options.includeDocs)
        request.add("conflicts", flag: options.conflicts)
        request.add("attachments", flag: options.attachments)
        request.add("update_seq", flag: options.updateSeq)
        if let keys = options.keys {
            request.method = "POST"
            request.setBody(["keys": .array(keys.map { .string($0) })])
        }
        return try RemoteDecoding.allDocs(try await client.json(request))
    }
}

extension RemoteDecoding {
    /// `_all_docs`: `{"total_rows", "offset", "rows": [...], "update_seq"}`;
    /// CouchDB's null `offset` and `update_seq` of a `keys` query read as 0
    /// and `nil`.
    static func allDocs(_ body: JSON) throws(PouchError) -> AllDocsResponse {
        let rows = try require(body["rows"]?.arrayValue, "rows as an array")
        var results: [AllDocsRow] = []
        results.reserveCapacity(rows.count)
        for row in rows { results.append(try allDocsRow(row)) }
        return AllDocsResponse(
            totalRows: body["total_rows"]?.intValue ?? results.count,
            offset: body["offset"]?.intValue ?? 0, rows: results,
            updateSeq: nonNull(body["update_seq"]))
    }

    /// One row: `{"id", "key", "value": {"rev", "deleted"}, "doc"}` or
    /// `{"key", "error": "not_found"}`.
    static func allDocsRow(_ row: JSON) throws(PouchError) -> AllDocsRow {
        let key = row["key"]?.stringValue ?? row["id"]?.stringValue ?? ""
        if let error = row["error"]?.stringValue {
            return AllDocsRow(id: nil, key: key, error: error)
        }
        let value = row["value"]
        let doc = nonNull(row["doc"])
        return AllDocsRow(
            id: try require(row["id"]?.stringValue, "id of a row"), key: key,
            rev: try revision(value?["rev"], "value.rev of a row"),
            isDeleted: value?["deleted"]?.boolValue ?? false, doc: doc)
    }
}
