extension RemoteDatabase {
    /// One batch of the changes feed, from `GET /db/_changes` (normal feed).
    ///
    /// Sequences are kept exactly as the server sent them (CouchDB 2+ sends
    /// strings). A `docIDs` or `selector` filter is sent in a `POST` body, so
    /// thousands of ids fit; a `server` filter names a design document filter
    /// with its query parameters; a `predicate` filter is applied here to
    /// documents read with `include_docs`, asking for more batches until
    /// `limit` matching changes are found or the feed ends.
    public func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        try await changes(options, longPoll: false)
    }

    /// Waits with one long poll until the feed holds a change after `since`,
    /// or until `timeout` passes; `true` when a change arrived.
    public func waitForChanges(since: JSON, timeout: Duration) async throws -> Bool {
        var options = ChangesOptions(since: .sequence(since), limit: 1)
        options.timeout = Int(timeout.timeInterval * 1000)
        let batch = try await changes(options, longPoll: true)
        return !batch.results.isEmpty
    }

    /// A batch of the normal or long-poll feed, with `predicate` filters
    /// applied here.
    func changes(_ options: ChangesOptions, longPoll: Bool) async throws -> ChangesResponse {
        if case .predicate(_, let predicate) = options.filter {
            return try await predicateChanges(options, predicate, longPoll: longPoll)
        }
        let request = Self.changesRequest(options, longPoll: longPoll)
        let body = try await client.json(request)
        return try RemoteDecoding.changes(body)
    }

    /// The `_changes` request for `options`.
    static func changesRequest(_ options: ChangesOptions, longPoll: Bool) -> HTTPRequest {
        var request = HTTPRequest("GET", "_changes")
        if longPoll { request.add("feed", "longpoll") }
        if options.style == .allDocs { request.add("style", "all_docs") }
        switch options.since {
        case .start: break
        case .now: request.add("since", "now")
        case .sequence(let sequence): request.add("since", sequenceText(sequence))
        }
        if let limit = options.limit { request.add("limit", String(limit)) }
        request.add("descending", flag: options.descending)
        request.add("include_docs", flag: options.includeDocs)
        request.add("conflicts", flag: options.conflicts)
        request.add("attachments", flag: options.attachments)
        if let heartbeat = options.heartbeat { request.add("heartbeat", String(heartbeat)) }
        if let timeout = options.timeout {
            request.add("timeout", String(timeout))
            request.serverWait = Double(timeout) / 1000
        }
        addFilter(options.filter, to: &request)
        return request
    }

    /// A sequence as the `since` parameter: a string as is, anything else
    /// as its JSON text.
    static func sequenceText(_ sequence: JSON) -> String {
        sequence.stringValue ?? sequence.serialized()
    }

    private static func addFilter(_ filter: ChangesFilter, to request: inout HTTPRequest) {
        switch filter {
        case .none, .predicate:
            break
        case .docIDs(let ids):
            request.method = "POST"
            request.add("filter", "_doc_ids")
            request.setBody(["doc_ids": .array(ids.map { .string($0) })])
        case .selector(let selector):
            request.method = "POST"
            request.add("filter", "_selector")
            request.setBody(["selector": selector])
        case .server(let name, let parameters):
            request.add("filter", name)
            for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
                request.add(key, value)
            }
        }
    }

    // Limitation: a predicate runs here, so every document of the feed is
    // downloaded to be tested; a server filter or selector filters on the
    // server instead.
    /// Reads batches with their documents and keeps the changes whose
    /// document `predicate` accepts, until `limit` are kept or the feed
    /// ends.
    private func predicateChanges(
        _ options: ChangesOptions, _ predicate: @Sendable (JSON) -> Bool, longPoll: Bool
    ) async throws -> ChangesResponse {
        var query = options
        query.filter = .none
        query.includeDocs = true
        var kept: [Change] = []
        while true {
            let wanted = options.limit.map { $0 - kept.count }
            query.limit = wanted
            let batch = try await changes(query, longPoll: longPoll)
            for var change in batch.results where predicate(Self.predicateBody(change)) {
                if !options.includeDocs { change.doc = nil }
                kept.append(change)
            }
            let isShort = wanted.map { batch.results.count < $0 } ?? true
            if isShort || kept.count == options.limit {
                return ChangesResponse(
                    results: kept, lastSeq: batch.lastSeq, pending: batch.pending)
            }
            query.since = .sequence(batch.lastSeq)
        }
    }

    /// What a predicate sees: the document, or a stub for a row without one.
    private static func predicateBody(_ change: Change) -> JSON {
        if let doc = change.doc, doc.objectValue != nil { return doc }
        var stub: JSON = ["_id": .string(change.id)]
        if let rev = change.changes.first { stub["_rev"] = .string(rev.description) }
        if change.isDeleted { stub["_deleted"] = true }
        return stub
    }
}

extension RemoteDecoding {
    /// `_changes`: `{"results": [...], "last_seq", "pending"}`.
    static func changes(_ body: JSON) throws(PouchError) -> ChangesResponse {
        let rows = try require(body["results"]?.arrayValue, "results as an array")
        var results: [Change] = []
        results.reserveCapacity(rows.count)
        for row in rows { results.append(try change(row)) }
        return ChangesResponse(
            results: results, lastSeq: try require(body["last_seq"], "last_seq"),
            pending: body["pending"]?.intValue)
    }

    /// One change row: `{"seq", "id", "changes": [{"rev"}], "deleted", "doc"}`.
    static func change(_ row: JSON) throws(PouchError) -> Change {
        let entries = try require(row["changes"]?.arrayValue, "changes as an array")
        var revisions: [RevisionID] = []
        revisions.reserveCapacity(entries.count)
        for entry in entries { revisions.append(try revision(entry["rev"], "changes[].rev")) }
        let doc = nonNull(row["doc"])
        return Change(
            id: try require(row["id"]?.stringValue, "id of a change"),
            seq: try require(row["seq"], "seq of a change"), changes: revisions,
            isDeleted: row["deleted"]?.boolValue ?? false, doc: doc)
    }
}
