extension RemoteDatabase {
    /// Documents matching a Mango query, from `POST /db/_find`.
    public func find(_ query: FindQuery) async throws -> FindResponse {
        var body: JSON = ["selector": query.selector]
        if let fields = query.fields { body["fields"] = .array(fields.map { .string($0) }) }
        if !query.sort.isEmpty { body["sort"] = .array(query.sort.map(Self.sortJSON)) }
        body["limit"] = .int(Int64(query.limit))
        if query.skip > 0 { body["skip"] = .int(Int64(query.skip)) }
        if let useIndex = query.useIndex {
            body["use_index"] =
                useIndex.count == 1 ? .string(useIndex[0]) : .array(useIndex.map { .string($0) })
        }
        if query.executionStats { body["execution_stats"] = true }
        if query.conflicts { body["conflicts"] = true }
        if let bookmark = query.bookmark { body["bookmark"] = .string(bookmark) }

        var request = HTTPRequest("POST", "_find")
        request.setBody(body)
        return try RemoteDecoding.find(try await client.json(request))
    }

    /// Creates a Mango JSON index with `POST /db/_index`.
    @discardableResult
    public func createIndex(_ index: IndexDefinition) async throws -> CreateIndexResult {
        var definition: JSON = ["fields": .array(index.fields.map(Self.sortJSON))]
        if let selector = index.partialFilterSelector {
            definition["partial_filter_selector"] = selector
        }
        var body: JSON = ["index": definition, "type": "json"]
        if let name = index.name { body["name"] = .string(name) }
        if let ddoc = index.ddoc { body["ddoc"] = .string(ddoc) }

        var request = HTTPRequest("POST", "_index")
        request.setBody(body)
        let answer = try await client.json(request)
        return CreateIndexResult(
            result: try RemoteDecoding.require(answer["result"]?.stringValue, "result"),
            id: try RemoteDecoding.require(answer["id"]?.stringValue, "id"),
            name: try RemoteDecoding.require(answer["name"]?.stringValue, "name"))
    }

    /// The indexes from `GET /db/_index`, the primary `_all_docs` first.
    public func indexes() async throws -> [IndexInfo] {
        let answer = try await client.json(HTTPRequest("GET", "_index"))
        let rows = try RemoteDecoding.require(answer["indexes"]?.arrayValue, "indexes")
        var indexes: [IndexInfo] = []
        for row in rows { indexes.append(try RemoteDecoding.index(row)) }
        return indexes
    }

    /// Deletes an index with `DELETE /db/_index/ddoc/json/name`; `ddoc`
    /// may be given with or without its `_design/` prefix.
    public func deleteIndex(ddoc: String, name: String) async throws {
        let designName = ddoc.hasPrefix("_design/") ? String(ddoc.dropFirst(8)) : ddoc
        let path =
            "_index/" + PercentEncoding.component(designName) + "/json/"
            + PercentEncoding.component(name)
        _ = try await client.json(HTTPRequest("DELETE", path))
    }

    /// `{"field": "asc"}` or `{"field": "desc"}`, as Mango writes a sort.
    private static func sortJSON(_ field: SortField) -> JSON {
        [field.field: field.isAscending ? "asc" : "desc"]
    }
}

extension RemoteDecoding {
    /// `_find`: `{"docs", "bookmark", "warning", "execution_stats"}`.
    static func find(_ body: JSON) throws(PouchError) -> FindResponse {
        FindResponse(
            docs: try require(body["docs"]?.arrayValue, "docs as an array"),
            bookmark: body["bookmark"]?.stringValue, warning: body["warning"]?.stringValue,
            executionStats: body["execution_stats"])
    }

    /// One index: `{"ddoc", "name", "type", "def": {"fields": [...]}}`.
    static func index(_ row: JSON) throws(PouchError) -> IndexInfo {
        let definition = row["def"]
        let fieldList = definition?["fields"]?.arrayValue ?? []
        var fields: [SortField] = []
        for field in fieldList {
            if let name = field.stringValue {
                fields.append(SortField(name))
            } else if let member = field.objectValue?.members.first {
                fields.append(SortField(member.key, ascending: member.value != "desc"))
            }
        }
        return IndexInfo(
            ddoc: row["ddoc"]?.stringValue, name: try require(row["name"]?.stringValue, "name"),
            type: row["type"]?.stringValue ?? "json", fields: fields,
            partialFilterSelector: definition?["partial_filter_selector"])
    }
}
