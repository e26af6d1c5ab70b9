extension RemoteDatabase {
    /// Documents at given revisions, from `POST /db/_bulk_get`.
    ///
    /// When the server answers `_bulk_get` with 400, 404, 405 or a 5xx, as
    /// CouchDB 1.x and some proxies do, each document is read instead with
    /// `GET /db/id?open_revs=[...]` (8 at a time), in the order asked. After
    /// a 400, 404 or 405 this database keeps using that fallback.
    public func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        if requests.isEmpty { return [] }
        if let response = try await sendBulkGet(requests, options) {
            return try RemoteDecoding.bulkGet(try response.json())
        }
        return try await openRevisionsEach(requests, options)
    }

    /// `bulkGet` for a replication: with `asText`, each document of the
    /// `_bulk_get` answer is kept as its text, checked as JSON but not
    /// parsed into values, for a target that stores text (a local
    /// database). The `open_revs` fallback answers parsed documents.
    public func bulkGetForReplication(
        _ requests: [BulkGetRequest], options: BulkGetOptions, asText: Bool
    ) async throws -> [ReplicatedRevision] {
        if requests.isEmpty { return [] }
        guard asText else {
            return try await bulkGet(requests, options: options).flatMap(\.replicatedRevisions)
        }
        if let response = try await sendBulkGet(requests, options) {
            return try RemoteDecoding.bulkGetText(Array(response.body))
        }
        let results = try await openRevisionsEach(requests, options)
        return results.flatMap(\.replicatedRevisions)
    }

    /// The successful answer to `_bulk_get`, or `nil` when each document
    /// must be read with `open_revs` instead.
    private func sendBulkGet(
        _ requests: [BulkGetRequest], _ options: BulkGetOptions
    ) async throws -> HTTPResponse? {
        guard !usesBulkGetFallback.withLock({ $0 }) else { return nil }
        let response = try await client.send(Self.bulkGetRequest(requests, options))
        if response.isSuccess { return response }
        guard Self.isBulkGetUnsupported(response) else { throw response.error() }
        if response.status < 500 { usesBulkGetFallback.withLock { $0 = true } }
        Logger.http.info("\(response.requestLine) -> \(response.status); reading one by one")
        return nil
    }

    /// The `_bulk_get` request.
    static func bulkGetRequest(
        _ requests: [BulkGetRequest], _ options: BulkGetOptions
    ) -> HTTPRequest {
        var docs: [JSON] = []
        docs.reserveCapacity(requests.count)
        for item in requests {
            var entry: JSON = ["id": .string(item.id)]
            if let rev = item.rev { entry["rev"] = .string(rev.description) }
            if let since = item.attsSince { entry["atts_since"] = JSON(revisions: since) }
            docs.append(entry)
        }
        var request = HTTPRequest("POST", "_bulk_get")
        request.add("revs", flag: options.revs)
        request.add("attachments", flag: options.attachments)
        request.add("latest", flag: options.latest)
        request.setBody(["docs": .array(docs)])
        return request
    }

    /// Whether an answer to `_bulk_get` means the endpoint is missing or
    /// broken rather than that the database is.
    private static func isBulkGetUnsupported(_ response: HTTPResponse) -> Bool {
        switch response.status {
        case 400, 405, 500...599:
            return true
        case 404:
            let reason = (try? JSON(parsing: response.body))?["reason"]?.stringValue
            return reason != "Database does not exist."
        default:
            return false
        }
    }

    /// Reads each request with `open_revs`, a bounded number at a time,
    /// keeping the order of `requests`.
    private func openRevisionsEach(
        _ requests: [BulkGetRequest], _ options: BulkGetOptions
    ) async throws -> [BulkGetResult] {
        try await withThrowingTaskGroup(of: (Int, BulkGetResult).self) { group in
            var results = [BulkGetResult?](repeating: nil, count: requests.count)
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await self.openRevisions(requests[index], options)) }
            }
            while next < min(Self.fallbackConcurrency, requests.count) { start() }
            while let (index, result) = try await group.next() {
                results[index] = result
                if next < requests.count { start() }
            }
            return results.map { $0! }
        }
    }

    /// One `bulkGet` request answered with `GET /db/id?open_revs=...`.
    private func openRevisions(
        _ item: BulkGetRequest, _ options: BulkGetOptions
    ) async throws -> BulkGetResult {
        guard !item.id.isEmpty else {
            let error = PouchError.notFound("missing")
            return BulkGetResult(
                id: item.id,
                docs: [.error(id: item.id, rev: item.rev?.description ?? "undefined", error: error)]
            )
        }
        var request = HTTPRequest("GET", PercentEncoding.documentPath(item.id))
        let revisions = item.rev.map { JSON(revisions: [$0]) }
        request.add("open_revs", revisions?.serialized() ?? "all")
        request.add("revs", flag: options.revs)
        request.add("latest", flag: options.latest)
        request.add("attachments", flag: options.attachments)
        if options.attachments, let since = item.attsSince {
            request.add("atts_since", json: JSON(revisions: since))
        }
        let response = try await client.send(request)
        guard response.isSuccess else {
            let error = response.error()
            if error.status >= 500 || error.reason == "Database does not exist." { throw error }
            return BulkGetResult(
                id: item.id, docs: [.error(id: item.id, rev: item.rev?.description, error: error)])
        }
        let items = try RemoteDecoding.openRevisions(try response.json())
        return BulkGetResult(id: item.id, docs: items.map { Self.bulkGetItem($0, id: item.id) })
    }

    private static func bulkGetItem(_ result: OpenRevisionResult, id: String) -> BulkGetResult.Item
    {
        switch result {
        case .ok(let doc): return .ok(doc)
        case .missing(let rev): return .error(id: id, rev: rev.description, error: .notFound())
        }
    }
}

extension RemoteDecoding {
    /// `_bulk_get`: `{"results": [{"id", "docs": [{"ok"} | {"error"}]}]}`.
    static func bulkGet(_ body: JSON) throws(PouchError) -> [BulkGetResult] {
        let rows = try require(body["results"]?.arrayValue, "results as an array")
        var results: [BulkGetResult] = []
        results.reserveCapacity(rows.count)
        for row in rows {
            let id = row["id"]?.stringValue ?? ""
            let docs = try require(row["docs"]?.arrayValue, "docs of a _bulk_get result")
            var items: [BulkGetResult.Item] = []
            items.reserveCapacity(docs.count)
            for doc in docs {
                if let ok = doc["ok"] {
                    items.append(.ok(ok))
                } else {
                    let error = try require(doc["error"], "ok or error in a _bulk_get result")
                    items.append(
                        .error(
                            id: error["id"]?.stringValue ?? id, rev: error["rev"]?.stringValue,
                            error: PouchError(row: error)))
                }
            }
            results.append(BulkGetResult(id: id, docs: items))
        }
        return results
    }

    /// `GET doc?open_revs=...`: `[{"ok": doc} | {"missing": rev}]`.
    static func openRevisions(_ body: JSON) throws(PouchError) -> [OpenRevisionResult] {
        let rows = try require(body.arrayValue, "an array of revisions")
        var results: [OpenRevisionResult] = []
        results.reserveCapacity(rows.count)
        for row in rows {
            if let doc = row["ok"] {
                results.append(.ok(doc))
            } else {
                results.append(.missing(try revision(row["missing"], "ok or missing")))
            }
        }
        return results
    }
}
