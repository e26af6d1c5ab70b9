/// One entry of CouchDB's `_bulk_get` answer with its documents as JSON
/// text where the database holds them so: what a server sends without
/// parsing stored bodies.
package struct BulkGetTextResult: Sendable, Equatable {
    package var id: String
    package var revisions: [ReplicatedRevision]

    package init(id: String, revisions: [ReplicatedRevision]) {
        self.id = id
        self.revisions = revisions
    }

    /// The same entry as `BulkGetResult` answers it.
    package init(_ result: BulkGetResult) {
        self.init(id: result.id, revisions: result.replicatedRevisions)
    }

    /// Writes `{"id": ..., "docs": [{"ok": doc} | {"error": {...}}]}`, the
    /// text of `BulkGetResult.json` for the same documents.
    package func serialize(into output: inout [UInt8]) {
        output.append(contentsOf: #"{"id":"#.utf8)
        JSON.string(id).serialize(into: &output)
        output.append(contentsOf: #","docs":["#.utf8)
        for (index, revision) in revisions.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            switch revision {
            case .found(.text(_, let bytes)):
                output.append(contentsOf: #"{"ok":"#.utf8)
                output.append(contentsOf: bytes)
                output.append(UInt8(ascii: "}"))
            case .found(.json(let doc)):
                BulkGetResult(id: id, docs: [.ok(doc)]).json["docs"]?[0]?.serialize(into: &output)
            case .failed(let id, let rev, let error):
                let item = BulkGetResult.Item.error(id: id, rev: rev, error: error)
                BulkGetResult(id: id, docs: [item]).json["docs"]?[0]?.serialize(into: &output)
            }
        }
        output.append(contentsOf: "]}".utf8)
    }
}

extension BulkGetResult {
    /// The items, as a replication reads them.
    var replicatedRevisions: [ReplicatedRevision] {
        docs.map { item in
            switch item {
            case .ok(let doc): .found(.json(doc))
            case .error(let id, let rev, let error): .failed(id: id, rev: rev, error: error)
            }
        }
    }
}
