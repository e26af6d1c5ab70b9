import Foundation

/// Reads a `_bulk_docs` body that replicates (`"new_edits": false`) with
/// each document kept as its text, so a server stores replicated bodies
/// without building them into values.
package enum BulkDocsText {
    /// The documents of `{"docs": [...], "new_edits": false}`, each as
    /// its text and `_id`; `nil` for any other body (`new_edits` true or
    /// absent, not JSON, a document that is not an object, ...), which the
    /// caller then reads as it reads every other body.
    package static func replicatedDocuments(_ body: Data) -> [ReplicatedDocument]? {
        guard namesNewEdits(body) else { return nil }
        return (try? JSONParser.read(Array(body), documents)) ?? nil
    }

    /// Whether `"new_edits"` is among the first or last bytes, where
    /// replicators put it (CouchDB's before `docs`, PouchDB's and Pouch's
    /// after), so other bodies are not read twice.
    private static func namesNewEdits(_ body: Data) -> Bool {
        let key = Array(#""new_edits""#.utf8)
        let ends = [body.prefix(48), body.suffix(48)]
        return ends.contains { end in
            let bytes = Array(end)
            guard bytes.count >= key.count else { return false }
            return (0...(bytes.count - key.count)).contains {
                bytes[$0..<($0 + key.count)].elementsEqual(key)
            }
        }
    }

    private static func documents(
        _ parser: inout JSONParser
    ) throws(JSONParseError) -> [ReplicatedDocument]? {
        guard try parser.beginObject() else { return nil }
        var docs: [ReplicatedDocument]?
        var newEdits = true
        var count = 0
        while let key = try parser.nextKey(after: count) {
            count += 1
            if key == "docs" {
                guard let read = try array(&parser) else { return nil }
                docs = read
            } else if key == "new_edits" {
                newEdits = try parser.value() != .bool(false)
            } else {
                try parser.skipValue()
            }
        }
        return newEdits ? nil : docs
    }

    /// Each object of the array, as its text and `_id`; `nil` when the
    /// value is not an array of objects.
    private static func array(
        _ parser: inout JSONParser
    ) throws(JSONParseError) -> [ReplicatedDocument]? {
        guard try parser.beginArray() else { return nil }
        var docs: [ReplicatedDocument] = []
        while try parser.nextElement(after: docs.count) {
            let start = parser.position
            guard try parser.beginObject() else { return nil }
            var id = ""
            var count = 0
            while let (key, _) = try parser.nextMember(after: count) {
                count += 1
                if key == "_id", case .string(let text) = try parser.value() {
                    id = text
                } else if key != "_id" {
                    try parser.skipValue()
                }
            }
            docs.append(.text(id: id, bytes: Array(parser.bytes(start..<parser.position))))
        }
        return docs
    }
}
