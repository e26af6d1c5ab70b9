/// Turns CouchDB's JSON answers into Pouch's types, with `bad_response`
/// naming the member that is missing or of the wrong kind.
enum RemoteDecoding {
    /// `value`, or `bad_response` saying `what` was expected.
    static func require<T>(_ value: T?, _ what: String) throws(PouchError) -> T {
        guard let value else { throw PouchError.badResponse("expected \(what) in the answer") }
        return value
    }

    /// `value` unless it is absent or JSON `null`.
    static func nonNull(_ value: JSON?) -> JSON? {
        guard let value, !value.isNull else { return nil }
        return value
    }

    /// A revision given as a string.
    static func revision(_ value: JSON?, _ what: String) throws(PouchError) -> RevisionID {
        let text = try require(value?.stringValue, "\(what) as a string")
        return try require(RevisionID(text), "\(what) of the form N-hash, not \(text)")
    }

    /// `GET /db`: CouchDB 2+ `sizes`, or CouchDB 1's `disk_size` and
    /// `data_size`.
    static func databaseInfo(_ body: JSON) throws(PouchError) -> DatabaseInfo {
        let sizes = body["sizes"]
        let file = sizes?["file"]?.intValue ?? body["disk_size"]?.intValue ?? 0
        let active = sizes?["active"]?.intValue ?? body["data_size"]?.intValue ?? 0
        let external = sizes?["external"]?.intValue ?? 0
        return DatabaseInfo(
            name: try require(body["db_name"]?.stringValue, "db_name"),
            docCount: try require(body["doc_count"]?.intValue, "doc_count"),
            docDelCount: body["doc_del_count"]?.intValue ?? 0,
            updateSeq: try require(body["update_seq"], "update_seq"),
            sizes: DatabaseInfo.Sizes(file: file, active: active, external: external),
            instanceStartTime: body["instance_start_time"]?.stringValue ?? "0",
            purgeSeq: body["purge_seq"])
    }

    /// `{"ok": true, "id", "rev"}`, the answer of every single write.
    static func writeResult(_ body: JSON) throws(PouchError) -> WriteResult {
        WriteResult(
            id: try require(body["id"]?.stringValue, "id"),
            rev: try revision(body["rev"], "rev"))
    }

    /// The rows of `_bulk_docs`: `{"ok", "id", "rev"}` or
    /// `{"id", "error", "reason"}`.
    static func bulkDocsResults(_ body: JSON) throws(PouchError) -> [BulkDocsResult] {
        let rows = try require(body.arrayValue, "an array of rows")
        var results: [BulkDocsResult] = []
        results.reserveCapacity(rows.count)
        for row in rows {
            let id = row["id"]?.stringValue ?? ""
            if row["error"] != nil {
                results.append(BulkDocsResult(id: id, error: PouchError(row: row)))
            } else {
                results.append(BulkDocsResult(id: id, rev: try revision(row["rev"], "rev")))
            }
        }
        return results
    }

    /// `_revs_diff`: `{id: {"missing": [...], "possible_ancestors": [...]}}`.
    static func revsDiff(_ body: JSON) throws(PouchError) -> [String: RevsDiffResult] {
        let object = try require(body.objectValue, "an object of documents")
        var results: [String: RevsDiffResult] = [:]
        results.reserveCapacity(object.count)
        for (id, entry) in object {
            let missing = try revisions(entry["missing"] ?? .array([]), "missing")
            let ancestors = try revisions(
                entry["possible_ancestors"] ?? .array([]), "possible_ancestors")
            results[id] = RevsDiffResult(missing: missing, possibleAncestors: ancestors)
        }
        return results
    }

    /// An array of revision strings.
    static func revisions(_ value: JSON, _ what: String) throws(PouchError) -> [RevisionID] {
        let items = try require(value.arrayValue, "\(what) as an array")
        var revisions: [RevisionID] = []
        revisions.reserveCapacity(items.count)
        for item in items { revisions.append(try revision(item, what)) }
        return revisions
    }
}
