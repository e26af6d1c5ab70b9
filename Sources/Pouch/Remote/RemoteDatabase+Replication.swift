extension RemoteDatabase {
    /// For each id, the given revisions the server lacks, from
    /// `POST /db/_revs_diff`. Ids whose revisions are all known are absent.
    public func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) async throws -> [String: RevsDiffResult] {
        if revisions.isEmpty { return [:] }
        // Dictionary keys are distinct, so members are appended unchecked
        // rather than looked up one by one.
        let members = revisions.map { (key: $0.key, value: JSON(revisions: $0.value)) }
        var request = HTTPRequest("POST", "_revs_diff")
        request.setBody(.object(JSONObject(uniqueMembers: members)))
        return try RemoteDecoding.revsDiff(try await client.json(request))
    }

    /// Writes documents with `POST /db/_bulk_docs`.
    ///
    /// With `newEdits` false the body carries `"new_edits": false`, and
    /// CouchDB answers only the documents it refused. A batch too large for
    /// the server fails as a whole with `too_large` (413).
    public func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        try await postBulkDocs(newEdits: newEdits, size: docs.count * 256) { bytes in
            for (index, doc) in docs.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                doc.serialize(into: &bytes)
            }
        }
    }

    /// A `RemoteDatabase` sends documents on as JSON text, so a replication
    /// to it passes the text a local source holds without parsing it.
    public var acceptsDocumentText: Bool { true }

    /// Writes replicated documents with `POST /db/_bulk_docs` and
    /// `"new_edits": false`, copying `.text` documents into the request as
    /// they are.
    public func bulkDocs(replicated docs: [ReplicatedDocument]) async throws -> [BulkDocsResult] {
        let size = docs.reduce(0) { size, doc in
            if case .text(_, let text) = doc { return size + text.count + 1 }
            return size + 256
        }
        return try await postBulkDocs(newEdits: false, size: size) { bytes in
            for (index, doc) in docs.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                switch doc {
                case .json(let json): json.serialize(into: &bytes)
                case .text(_, let text): bytes.append(contentsOf: text)
                }
            }
        }
    }

    /// Posts `{"docs": [...]}` to `_bulk_docs`, the documents written into
    /// the body by `writeDocs`, about `size` bytes.
    private func postBulkDocs(
        newEdits: Bool, size: Int, _ writeDocs: (inout [UInt8]) -> Void
    ) async throws -> [BulkDocsResult] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 64)
        bytes.append(contentsOf: #"{"docs":["#.utf8)
        writeDocs(&bytes)
        bytes.append(contentsOf: (newEdits ? "]}" : #"],"new_edits":false}"#).utf8)

        var request = HTTPRequest("POST", "_bulk_docs")
        request.setBody(bytes: bytes)
        return try RemoteDecoding.bulkDocsResults(try await client.json(request))
    }

    /// A `_local` document from `GET /db/_local/id`, or `nil` when the
    /// server answers 404.
    public func localDocument(_ id: String) async throws -> JSON? {
        let request = HTTPRequest("GET", try Self.localPath(id))
        let response = try await client.send(request)
        if response.status == 404 { return nil }
        guard response.isSuccess else { throw response.error() }
        return try response.json()
    }

    /// Writes a `_local` document with `PUT /db/_local/id`; its `_rev`
    /// (`0-N`) must match the stored one to replace it.
    @discardableResult
    public func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        guard let id = doc["_id"]?.stringValue else { throw Self.notLocal }
        var request = HTTPRequest("PUT", try Self.localPath(id))
        request.setBody(doc)
        return try RemoteDecoding.writeResult(try await client.json(request))
    }

    /// Deletes a `_local` document with `DELETE /db/_local/id?rev=0-N`.
    public func removeLocalDocument(_ id: String, rev: RevisionID) async throws {
        var request = HTTPRequest("DELETE", try Self.localPath(id))
        request.add("rev", rev.description)
        _ = try await client.json(request)
    }

    /// The error for an id outside `_local/` given to a `_local` call, as a
    /// local database words it.
    static let notLocal = PouchError.badRequest("A local document id must start with _local/")

    /// The path of a `_local` document, whose id must start with `_local/`.
    static func localPath(_ id: String) throws(PouchError) -> String {
        guard id.hasPrefix("_local/"), id.count > "_local/".count else {
            throw notLocal
        }
        return PercentEncoding.documentPath(id)
    }

    /// The `_id` of a document to be written under its id.
    static func documentID(of doc: JSON) throws(PouchError) -> String {
        guard doc.objectValue != nil else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        guard let value = doc["_id"] else {
            throw PouchError(.init("missing_id"), "_id is required for puts", status: 412)
        }
        guard let id = value.stringValue else {
            throw PouchError.illegalDocID("Document id must be a string")
        }
        _ = try documentPath(id, writing: true)
        return id
    }
}
