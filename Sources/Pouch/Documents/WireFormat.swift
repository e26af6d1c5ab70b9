// CouchDB's JSON shapes for the result types, in both directions: the
// server writes them, the HTTP client reads them.

extension JSON {
    /// The value of member `key` as a string, or a `bad_request`-kind error.
    func requiredString(_ key: String) throws(PouchError) -> String {
        guard let value = self[key]?.stringValue else {
            throw PouchError(.badResponse, "missing string '\(key)'", status: 502)
        }
        return value
    }

    /// The value of member `key` as a revision, or an error.
    func requiredRevision(_ key: String) throws(PouchError) -> RevisionID {
        guard let text = self[key]?.stringValue, let rev = RevisionID(text) else {
            throw PouchError(.badResponse, "missing or invalid revision '\(key)'", status: 502)
        }
        return rev
    }
}

extension DatabaseInfo {
    /// CouchDB's `GET /db` body.
    public var json: JSON {
        [
            "db_name": .string(name), "doc_count": .int(Int64(docCount)),
            "doc_del_count": .int(Int64(docDelCount)), "update_seq": updateSeq,
            "purge_seq": purgeSeq ?? 0, "compact_running": false,
            "sizes": [
                "file": .int(Int64(sizes.file)), "active": .int(Int64(sizes.active)),
                "external": .int(Int64(sizes.external)),
            ],
            "instance_start_time": .string(instanceStartTime),
            "disk_format_version": 8,
        ]
    }

    /// Reads CouchDB's `GET /db` body.
    public init(json: JSON) throws(PouchError) {
        let sizes = json["sizes"]
        self.init(
            name: try json.requiredString("db_name"),
            docCount: json["doc_count"]?.intValue ?? 0,
            docDelCount: json["doc_del_count"]?.intValue ?? 0,
            updateSeq: json["update_seq"] ?? .int(0),
            sizes: Sizes(
                file: sizes?["file"]?.intValue ?? 0, active: sizes?["active"]?.intValue ?? 0,
                external: sizes?["external"]?.intValue ?? 0),
            instanceStartTime: json["instance_start_time"]?.stringValue ?? "0",
            purgeSeq: json["purge_seq"])
    }
}

extension WriteResult {
    /// CouchDB's `{"ok": true, "id", "rev"}`.
    public var json: JSON {
        ["ok": true, "id": .string(id), "rev": .string(rev.description)]
    }

    /// Reads `{"ok": true, "id", "rev"}`.
    public init(json: JSON) throws(PouchError) {
        self.init(id: try json.requiredString("id"), rev: try json.requiredRevision("rev"))
    }
}

extension BulkDocsResult {
    /// One row of CouchDB's `_bulk_docs` answer.
    public var json: JSON {
        if let error {
            return [
                "id": .string(id), "error": .string(error.code.rawValue),
                "reason": .string(error.reason),
            ]
        }
        var object: JSONObject = ["ok": true, "id": .string(id)]
        if let rev { object["rev"] = .string(rev.description) }
        return .object(object)
    }

    /// Reads one row of a `_bulk_docs` answer; an `error` row's status is
    /// inferred from its name.
    public init(json: JSON) throws(PouchError) {
        let id = json["id"]?.stringValue ?? ""
        if let name = json["error"]?.stringValue {
            let reason = json["reason"]?.stringValue ?? name
            let status = BulkDocsResult.status(forErrorName: name)
            self.init(id: id, error: PouchError(PouchError.Code(name), reason, status: status))
        } else {
            self.init(id: id, rev: json["rev"]?.stringValue.flatMap(RevisionID.init))
        }
    }

    static func status(forErrorName name: String) -> Int {
        switch name {
        case "conflict": return 409
        case "forbidden": return 403
        case "unauthorized": return 401
        case "not_found": return 404
        case "missing_stub", "precondition_failed", "file_exists": return 412
        case "too_large": return 413
        default: return 400
        }
    }
}

extension AllDocsRow {
    /// One row of CouchDB's `_all_docs` answer.
    public var json: JSON {
        if let error { return ["key": .string(key), "error": .string(error)] }
        var value: JSONObject = ["rev": .string(rev?.description ?? "")]
        if isDeleted { value["deleted"] = true }
        var object: JSONObject = [
            "id": .string(id ?? key), "key": .string(key), "value": .object(value),
        ]
        if let doc {
            object["doc"] = doc
        } else if isDeleted {
            object["doc"] = .null
        }
        return .object(object)
    }

    /// Reads one row of an `_all_docs` answer.
    public init(json: JSON) throws(PouchError) {
        let key = json["key"]?.stringValue ?? json["id"]?.stringValue ?? ""
        if let error = json["error"]?.stringValue {
            self.init(id: nil, key: key, error: error)
            return
        }
        let value = json["value"]
        let doc = json["doc"].flatMap { $0.isNull ? nil : $0 }
        self.init(
            id: json["id"]?.stringValue, key: key,
            rev: value?["rev"]?.stringValue.flatMap(RevisionID.init),
            isDeleted: value?["deleted"]?.boolValue ?? false, doc: doc)
    }
}

extension AllDocsResponse {
    /// CouchDB's `_all_docs` body.
    public var json: JSON {
        var object: JSONObject = [
            "total_rows": .int(Int64(totalRows)), "offset": .int(Int64(offset)),
        ]
        if let updateSeq { object["update_seq"] = updateSeq }
        object["rows"] = .array(rows.map(\.json))
        return .object(object)
    }

    /// Reads an `_all_docs` body.
    public init(json: JSON) throws(PouchError) {
        var rows: [AllDocsRow] = []
        for row in json["rows"]?.arrayValue ?? [] { rows.append(try AllDocsRow(json: row)) }
        self.init(
            totalRows: json["total_rows"]?.intValue ?? rows.count,
            offset: json["offset"]?.intValue ?? 0, rows: rows, updateSeq: json["update_seq"])
    }
}

extension Change {
    /// One row of CouchDB's `_changes` answer.
    public var json: JSON {
        var object: JSONObject = [
            "seq": seq, "id": .string(id),
            "changes": .array(changes.map { ["rev": .string($0.description)] }),
        ]
        if isDeleted { object["deleted"] = true }
        if let doc { object["doc"] = doc }
        return .object(object)
    }

    /// Reads one row of a `_changes` answer.
    public init(json: JSON) throws(PouchError) {
        var revisions: [RevisionID] = []
        for entry in json["changes"]?.arrayValue ?? [] {
            if let rev = entry["rev"]?.stringValue.flatMap(RevisionID.init) {
                revisions.append(rev)
            }
        }
        self.init(
            id: try json.requiredString("id"), seq: json["seq"] ?? .null, changes: revisions,
            isDeleted: json["deleted"]?.boolValue ?? false, doc: json["doc"])
    }
}

extension ChangesResponse {
    /// CouchDB's `_changes` body (normal feed).
    public var json: JSON {
        var object: JSONObject = ["results": .array(results.map(\.json)), "last_seq": lastSeq]
        if let pending { object["pending"] = .int(Int64(pending)) }
        return .object(object)
    }

    /// Reads a `_changes` body.
    public init(json: JSON) throws(PouchError) {
        var results: [Change] = []
        for row in json["results"]?.arrayValue ?? [] { results.append(try Change(json: row)) }
        self.init(
            results: results, lastSeq: json["last_seq"] ?? .null, pending: json["pending"]?.intValue
        )
    }
}

extension RevsDiffResult {
    /// One entry of CouchDB's `_revs_diff` answer.
    public var json: JSON {
        var object: JSONObject = ["missing": .array(missing.map { .string($0.description) })]
        if !possibleAncestors.isEmpty {
            object["possible_ancestors"] = .array(possibleAncestors.map { .string($0.description) })
        }
        return .object(object)
    }

    /// Reads one entry of a `_revs_diff` answer.
    public init(json: JSON) {
        let missing = (json["missing"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap(RevisionID.init)
        }
        let ancestors = (json["possible_ancestors"]?.arrayValue ?? []).compactMap {
            $0.stringValue.flatMap(RevisionID.init)
        }
        self.init(missing: missing, possibleAncestors: ancestors)
    }
}

extension BulkGetResult {
    /// One entry of CouchDB's `_bulk_get` answer.
    public var json: JSON {
        let docs: [JSON] = docs.map { item in
            switch item {
            case .ok(let doc):
                return ["ok": doc]
            case .error(let id, let rev, let error):
                return [
                    "error": [
                        "id": .string(id), "rev": rev.map(JSON.string) ?? .null,
                        "error": .string(error.code.rawValue), "reason": .string(error.reason),
                    ]
                ]
            }
        }
        return ["id": .string(id), "docs": .array(docs)]
    }

    /// Reads one entry of a `_bulk_get` answer.
    public init(json: JSON) {
        let id = json["id"]?.stringValue ?? ""
        let items: [Item] = (json["docs"]?.arrayValue ?? []).map { item in
            if let doc = item["ok"] { return .ok(doc) }
            let error = item["error"]
            let name = error?["error"]?.stringValue ?? "not_found"
            return .error(
                id: error?["id"]?.stringValue ?? id, rev: error?["rev"]?.stringValue,
                error: PouchError(
                    PouchError.Code(name), error?["reason"]?.stringValue ?? name,
                    status: BulkDocsResult.status(forErrorName: name)))
        }
        self.init(id: id, docs: items)
    }
}

extension FindResponse {
    /// CouchDB's `_find` body.
    public var json: JSON {
        var object: JSONObject = ["docs": .array(docs)]
        if let bookmark { object["bookmark"] = .string(bookmark) }
        if let warning { object["warning"] = .string(warning) }
        if let executionStats { object["execution_stats"] = executionStats }
        return .object(object)
    }

    /// Reads a `_find` body.
    public init(json: JSON) {
        self.init(
            docs: json["docs"]?.arrayValue ?? [], bookmark: json["bookmark"]?.stringValue,
            warning: json["warning"]?.stringValue, executionStats: json["execution_stats"])
    }
}
