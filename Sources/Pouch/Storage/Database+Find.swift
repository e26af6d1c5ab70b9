extension Database {
    /// The documents matching a Mango query, after CouchDB's `POST
    /// /db/_find`: in the chosen index's order (CouchDB's collation) or by
    /// id, `skip` then at most `limit` (25 by default), with a bookmark for
    /// the next page and the warning CouchDB gives when no index serves the
    /// query.
    ///
    /// Throws CouchDB's errors: `invalid_operator` and `bad_arg` for a bad
    /// selector, `no_usable_index` for a sort no index serves,
    /// `unsupported_mixed_sort`, `invalid_bookmark`.
    ///
    /// - Complexity: with an index, O(log n + k) for the k index rows read;
    ///   without, every document is read.
    public func find(_ query: FindQuery) async throws -> FindResponse {
        let selector = try MangoSelector(query.selector)
        return try await read { store in
            let indexes = try store.mangoIndexes().map(\.index)
            let plan = try QueryPlanner.plan(query, selector: selector, indexes: indexes)
            return try FindExecutor.run(query, selector: selector, plan: plan) { after, visit in
                try store.scan(plan, conflicts: query.conflicts, after: after, visit: visit)
            }
        }
    }

    /// How `find` would run `query`, after CouchDB's `POST /db/_explain`:
    /// the index chosen and the key range read.
    ///
    /// Limitation: `opts` is left out.
    public func explain(_ query: FindQuery) async throws -> JSON {
        let selector = try MangoSelector(query.selector)
        let name = self.name
        let plan = try await read { store in
            try QueryPlanner.plan(
                query, selector: selector, indexes: store.mangoIndexes().map(\.index))
        }
        var endKey = plan.endKey
        endKey.append("<MAX>")
        let mrargs: JSON = [
            "include_docs": true, "view_type": "map", "reduce": false,
            "start_key": .array(plan.startKey), "end_key": .array(endKey),
            "direction": plan.isDescending ? "rev" : "fwd", "stable": false, "update": true,
            "conflicts": .bool(query.conflicts),
        ]
        return [
            "dbname": .string(name), "index": plan.indexInfo.json, "partitioned": false,
            "selector": selector.normalizedJSON, "limit": .int(Int64(query.limit)),
            "skip": .int(Int64(query.skip)),
            "fields": query.fields.map { .array($0.map { .string($0) }) } ?? "all_fields",
            "mrargs": mrargs,
        ]
    }

    /// Creates a Mango JSON index, after CouchDB's `POST /db/_index`: a
    /// view in the design document `ddoc` (`language: "query"`), so the
    /// index replicates; `exists` when that design document already holds
    /// the same index. Documents are indexed at once, in the same
    /// transaction as the design document.
    ///
    /// - Complexity: O(n log n) to index the n documents.
    @discardableResult
    public func createIndex(_ definition: IndexDefinition) async throws -> CreateIndexResult {
        let index = MangoIndex(definition)
        let existing = try await designDocument(index.ddoc)
        guard let updated = try index.adding(to: existing) else {
            return CreateIndexResult(result: "exists", id: index.ddoc, name: index.name)
        }
        do {
            try await put(updated)
        } catch let error as PouchError where error.code == .conflict {
            throw PouchError(
                PouchError.Code("error_saving_ddoc"),
                "Encountered a conflict while saving the design document.", status: 500)
        }
        return CreateIndexResult(result: "created", id: index.ddoc, name: index.name)
    }

    /// The indexes, `_all_docs` first, then by design document and name,
    /// after CouchDB's `GET /db/_index`.
    public func indexes() async throws -> [IndexInfo] {
        let stored = try await read { store in try store.mangoIndexes().map(\.index.info) }
        return [MangoIndex.allDocsInfo] + stored
    }

    /// Deletes the index `name` of design document `ddoc` (with or without
    /// `_design/`), after CouchDB's `DELETE /db/_index/ddoc/json/name`; the
    /// design document is deleted when nothing else is left in it.
    ///
    /// Throws `404 not_found` when there is no such index.
    public func deleteIndex(ddoc: String, name: String) async throws {
        let id = ddoc.hasPrefix("_design/") ? ddoc : "_design/" + ddoc
        guard let doc = try await designDocument(id),
            let index = MangoIndex.indexes(inDesignDocument: doc).first(where: { $0.name == name }),
            let rev = doc["_rev"]?.stringValue.flatMap(RevisionID.init)
        else { throw PouchError.notFound("missing") }
        if let updated = index.removing(from: doc) {
            try await put(updated)
        } else {
            try await remove(id, rev: rev)
        }
    }

    /// The live design document `id`, or `nil`.
    private func designDocument(_ id: String) async throws -> JSON? {
        do {
            return try await get(id)
        } catch let error as PouchError where error.code == .notFound {
            return nil
        }
    }
}

extension Database: DocumentDatabase {}
