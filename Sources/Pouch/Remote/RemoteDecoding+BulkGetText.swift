extension RemoteDecoding {
    /// `_bulk_get`'s answer with each document kept as its bytes, checked
    /// as JSON but not built into values: `{"results": [{"id", "docs":
    /// [{"ok": doc} | {"error": {...}}]}]}`, every revision in order.
    static func bulkGetText(_ body: [UInt8]) throws(PouchError) -> [ReplicatedRevision] {
        let revisions: [ReplicatedRevision]?
        do {
            revisions = try JSONParser.read(body, results)
        } catch {
            throw PouchError.badResponse("the _bulk_get answer is not JSON: \(error)")
        }
        return try require(revisions, "results as an array")
    }

    /// The revisions of `{"results": [...]}`; `nil` without such an array.
    private static func results(
        _ parser: inout JSONParser
    ) throws(JSONParseError) -> [ReplicatedRevision]? {
        guard try parser.beginObject() else { return nil }
        var revisions: [ReplicatedRevision]?
        var count = 0
        while let key = try parser.nextKey(after: count) {
            count += 1
            guard key == "results", try parser.beginArray() else {
                try parser.skipValue()
                continue
            }
            var found: [ReplicatedRevision] = []
            var rows = 0
            while try parser.nextElement(after: rows) {
                rows += 1
                found += try row(&parser)
            }
            revisions = found
        }
        return revisions
    }

    /// One `{"id", "docs": [...]}` row; a row of another shape has none.
    private static func row(
        _ parser: inout JSONParser
    ) throws(JSONParseError) -> [ReplicatedRevision] {
        guard try parser.beginObject() else {
            try parser.skipValue()
            return []
        }
        var id = ""
        var items: [(text: [UInt8]?, error: JSON?)] = []
        var count = 0
        while let key = try parser.nextKey(after: count) {
            count += 1
            if key == "id", case .string(let text) = try parser.value() {
                id = text
            } else if key == "docs", try parser.beginArray() {
                var docs = 0
                while try parser.nextElement(after: docs) {
                    docs += 1
                    items.append(try item(&parser))
                }
            } else if key != "id" {
                try parser.skipValue()
            }
        }
        return items.compactMap { item in
            if let text = item.text { return .found(.text(id: id, bytes: text)) }
            guard let error = item.error else { return nil }
            return .failed(
                id: error["id"]?.stringValue ?? id, rev: error["rev"]?.stringValue,
                error: PouchError(row: error))
        }
    }

    /// `{"ok": doc}` as the document's bytes, or `{"error": {...}}` parsed.
    private static func item(
        _ parser: inout JSONParser
    ) throws(JSONParseError) -> (text: [UInt8]?, error: JSON?) {
        guard try parser.beginObject() else {
            try parser.skipValue()
            return (nil, nil)
        }
        var found: (text: [UInt8]?, error: JSON?) = (nil, nil)
        var count = 0
        while let key = try parser.nextKey(after: count) {
            count += 1
            if key == "ok" {
                let start = parser.position
                try parser.skipValue()
                found.text = Array(parser.bytes(start..<parser.position))
            } else if key == "error" {
                found.error = try parser.value()
            } else {
                try parser.skipValue()
            }
        }
        return found
    }
}
