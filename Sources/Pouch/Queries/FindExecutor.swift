import Foundation

/// One entry a plan reads: its key in the scanned index (an array of the
/// index's field values and the document id, or the id for `_all_docs`),
/// and the winning revision of the document.
package struct FindRow: Sendable {
    package var key: JSON
    package var id: String
    package var doc: JSON

    package init(key: JSON, id: String, doc: JSON) {
        self.key = key
        self.id = id
        self.doc = doc
    }
}

/// Runs a planned Mango query over the rows a storage engine reads:
/// matching, `skip`, `limit`, `fields`, the bookmark, execution statistics
/// and warnings, as CouchDB's Mango cursor does.
package enum FindExecutor {
    /// Reads rows in the plan's order, strictly after `after` when given,
    /// calling `visit` until it returns `false`.
    package typealias Scan = (_ after: JSON?, _ visit: (FindRow) -> Bool) throws -> Void

    /// The answer to `query`.
    ///
    /// - Throws: `400 invalid_bookmark` for a bookmark this database did
    ///   not write; what `scan` throws.
    package static func run(
        _ query: FindQuery, selector: MangoSelector, plan: QueryPlan, scan: Scan
    ) throws -> FindResponse {
        let start = ContinuousClock.now
        let after = try query.bookmark.flatMap(decodeBookmark)
        let projection = try query.fields.map(FieldProjection.init)
        var state = State(skip: query.skip, limit: query.limit)
        if !plan.isEmpty && query.limit > 0 {
            try scan(after) { row in state.visit(row, selector: selector, projection: projection) }
        }
        var response = FindResponse(
            docs: state.docs, bookmark: state.lastKey.map(encodeBookmark) ?? "nil")
        let elapsed = ContinuousClock.now - start
        if query.executionStats { response.executionStats = state.statistics(elapsed) }
        let warnings = plan.warnings + state.scanWarning
        if !warnings.isEmpty { response.warning = warnings.joined(separator: "\n") }
        return response
    }

    private struct State {
        var skip: Int
        var limit: Int
        var docs: [JSON] = []
        var lastKey: JSON?
        var keysExamined = 0
        var docsExamined = 0

        /// Takes one row; `false` once the limit is reached.
        mutating func visit(
            _ row: FindRow, selector: MangoSelector, projection: FieldProjection?
        ) -> Bool {
            keysExamined += 1
            if row.id.hasPrefix("_design/") { return true }
            docsExamined += 1
            guard selector.matches(row.doc) else { return true }
            if skip > 0 {
                skip -= 1
                return true
            }
            docs.append(projection?.apply(to: row.doc) ?? row.doc)
            lastKey = row.key
            return docs.count < limit
        }

        /// CouchDB's warning when many documents were read per result.
        var scanWarning: [String] {
            let ratio = Double(docsExamined) / Double(max(docs.count, 1))
            guard ratio > 10 else { return [] }
            return [
                "The number of documents examined is high in proportion to the number of "
                    + "results returned. Consider adding a more specific index to improve this."
            ]
        }

        func statistics(_ elapsed: Duration) -> JSON {
            let (seconds, attoseconds) = elapsed.components
            let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
            return [
                "total_keys_examined": .int(Int64(keysExamined)),
                "total_docs_examined": .int(Int64(docsExamined)),
                "total_quorum_docs_examined": 0,
                "results_returned": .int(Int64(docs.count)),
                "execution_time_ms": .double(milliseconds),
            ]
        }
    }

    /// The opaque bookmark for a position: the key, base64-encoded.
    ///
    /// Limitation: the format is Pouch's own; a bookmark from CouchDB is
    /// refused as `invalid_bookmark`, and one from Pouch means nothing to
    /// CouchDB.
    static func encodeBookmark(_ key: JSON) -> String {
        Data(key.serializedBytes()).base64EncodedString()
    }

    /// The position a bookmark names; `nil` for `"nil"`, the bookmark of
    /// an answer without documents.
    private static func decodeBookmark(_ text: String) throws(PouchError) -> JSON? {
        if text == "nil" { return nil }
        guard let data = Data(base64Encoded: text),
            let key = try? JSON(parsing: Array(data)),
            key.stringValue != nil || key.arrayValue != nil
        else { throw MangoError.invalidBookmark(.string(text)) }
        return key
    }
}
