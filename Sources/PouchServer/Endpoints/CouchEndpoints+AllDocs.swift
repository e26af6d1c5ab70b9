import Foundation
import Pouch

extension CouchEndpoints {
    /// `GET|POST /db/_all_docs` (and `_design_docs`): rows by id with
    /// CouchDB's key range, paging and `keys` options.
    static func allDocs(
        _ request: ServerRequest, designOnly: Bool = false
    ) async throws -> HTTPResponse {
        let database = try await request.database()
        var options = try allDocsOptions(request.query)
        if request.method == "POST" {
            try applyBody(request, to: &options)
        }
        if designOnly {
            options.startKey = max(options.startKey ?? "_design/", "_design/")
            options.endKey = min(options.endKey ?? "_design0", "_design0")
        }
        var body = try await database.allDocs(options).json
        if options.keys != nil {
            // CouchDB has no offset or sequence for a `keys` query.
            body["offset"] = .null
            if options.updateSeq { body["update_seq"] = .null }
        }
        return .json(body)
    }

    /// The options of an `_all_docs` query string.
    static func allDocsOptions(_ query: QueryParameters) throws -> AllDocsOptions {
        var options = AllDocsOptions()
        if let keys = try query.json("keys") { options.keys = try stringKeys(keys) }
        if let key = try query.json("key")?.stringValue {
            options.startKey = key
            options.endKey = key
        }
        if let start = try (query.json("startkey") ?? query.json("start_key")) {
            options.startKey = start.stringValue
        }
        if let end = try (query.json("endkey") ?? query.json("end_key")) {
            options.endKey = end.stringValue
        }
        if query["inclusive_end"] != nil { options.inclusiveEnd = try query.bool("inclusive_end") }
        options.descending = try query.bool("descending")
        options.skip = try query.nonNegativeInt("skip") ?? 0
        options.limit = try query.nonNegativeInt("limit")
        options.includeDocs = try query.bool("include_docs")
        options.conflicts = try query.bool("conflicts")
        options.attachments = try query.bool("attachments")
        options.updateSeq = try query.bool("update_seq")
        return options
    }

    /// A POST body's `keys` and range options.
    private static func applyBody(_ request: ServerRequest, to options: inout AllDocsOptions) throws
    {
        guard !request.http.body.isEmpty else { return }
        let body = try request.jsonObjectBody()
        if let keys = body["keys"] {
            guard keys.arrayValue != nil else {
                throw PouchError.badRequest("`keys` body member must be an array.")
            }
            options.keys = try stringKeys(keys)
        }
        if let key = body["key"]?.stringValue {
            options.startKey = key
            options.endKey = key
        }
        if let start = body["startkey"] ?? body["start_key"] {
            options.startKey = start.stringValue
        }
        if let end = body["endkey"] ?? body["end_key"] { options.endKey = end.stringValue }
        if let value = body["include_docs"]?.boolValue { options.includeDocs = value }
        if let value = body["descending"]?.boolValue { options.descending = value }
        if let value = body["limit"]?.intValue { options.limit = value }
        if let value = body["skip"]?.intValue { options.skip = value }
        if let value = body["inclusive_end"]?.boolValue { options.inclusiveEnd = value }
        if let value = body["conflicts"]?.boolValue { options.conflicts = value }
    }

    /// Document ids from a `keys` list.
    ///
    /// Limitation: keys that are not strings are dropped; CouchDB would
    /// answer a `not_found` row for each.
    private static func stringKeys(_ keys: JSON) throws -> [String] {
        guard let array = keys.arrayValue else {
            throw PouchError.badRequest("`keys` must be an array.")
        }
        return array.compactMap(\.stringValue)
    }

    /// `GET /db/_local_docs`: every `_local` document's id and revision.
    static func localDocs(_ request: ServerRequest) async throws -> HTTPResponse {
        let database = try await request.database()
        let options = try allDocsOptions(request.query)
        var rows = try await database.localDocuments()
        if let start = options.startKey { rows = rows.filter { $0.key >= start } }
        if let end = options.endKey { rows = rows.filter { $0.key <= end } }
        if options.descending { rows.reverse() }
        let page = rows.dropFirst(options.skip).prefix(options.limit ?? rows.count)
        return .json(["total_rows": .null, "offset": .null, "rows": .array(page.map(\.json))])
    }
}
