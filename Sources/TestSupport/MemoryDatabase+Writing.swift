import Foundation
import Pouch

extension MemoryDatabase {
    /// The fields of a document without its `_`-prefixed members (but its
    /// `_attachments`, kept as given).
    static func fields(_ doc: JSON) -> JSON {
        var body = JSONObject()
        for (key, value) in doc.objectValue ?? JSONObject()
        where !key.hasPrefix("_") || key == "_attachments" {
            body[key] = value
        }
        return .object(body)
    }

    package func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] {
        try storage.withLock { storage throws(PouchError) in
            var results: [BulkDocsResult] = []
            for doc in docs {
                let id = doc["_id"]?.stringValue ?? UUID().uuidString.lowercased()
                if newEdits {
                    results.append(MemoryDatabase.edit(doc, id: id, in: &storage))
                } else {
                    try MemoryDatabase.merge(doc, id: id, in: &storage)
                }
            }
            return results
        }
    }

    /// Merges a replicated revision with its `_revisions` history.
    static func merge(_ doc: JSON, id: String, in storage: inout Storage) throws(PouchError) {
        let rev = try RevisionID(validating: doc["_rev"]?.stringValue ?? "")
        var history = [rev]
        if let revisions = doc["_revisions"], let start = revisions["start"]?.intValue,
            let ids = revisions["ids"]?.arrayValue
        {
            history = ids.enumerated().map { offset, hash in
                RevisionID(generation: start - offset, hash: hash.stringValue ?? "")
            }
        }
        var entry = storage.docs[id] ?? Entry()
        guard entry.tree.merge(history: history, isDeleted: doc["_deleted"] == true) else {
            return
        }
        entry.bodies[rev] = fields(doc)
        storage.seq += 1
        entry.seq = storage.seq
        storage.docs[id] = entry
    }

    /// A local edit, CouchDB's `new_edits=true`: the given `_rev` must be a
    /// leaf; without one the document must not exist or be deleted.
    static func edit(_ doc: JSON, id: String, in storage: inout Storage) -> BulkDocsResult {
        var entry = storage.docs[id] ?? Entry()
        var parent: RevisionID?
        if let text = doc["_rev"]?.stringValue {
            guard let rev = RevisionID(text), entry.tree.isLeaf(rev) else {
                return BulkDocsResult(id: id, error: .conflict())
            }
            parent = rev
        } else if let winner = entry.tree.winner {
            guard entry.tree.isWinnerDeleted else {
                return BulkDocsResult(id: id, error: .conflict())
            }
            parent = winner
        }
        let isDeleted = doc["_deleted"] == true
        let body = fields(doc)
        let rev = RevisionID.next(
            after: parent, isDeleted: isDeleted, body: body.serializedBytes(),
            attachmentDigests: [])
        entry.tree.insert(rev, parent: parent, isDeleted: isDeleted)
        entry.bodies[rev] = body
        storage.seq += 1
        entry.seq = storage.seq
        storage.docs[id] = entry
        return BulkDocsResult(id: id, rev: rev)
    }

    package func put(_ doc: JSON) async throws -> WriteResult {
        guard let id = doc["_id"]?.stringValue else { throw PouchError.badRequest("missing _id") }
        if id.hasPrefix("_local/") { return try await putLocalDocument(doc) }
        let result = try await bulkDocs([doc], newEdits: true)[0]
        if let error = result.error { throw error }
        return WriteResult(id: id, rev: result.rev!)
    }

    package func post(_ doc: JSON) async throws -> WriteResult {
        var doc = doc
        doc["_id"] = .string(UUID().uuidString.lowercased())
        return try await put(doc)
    }

    package func remove(_ id: String, rev: RevisionID) async throws -> WriteResult {
        try await put(["_id": .string(id), "_rev": .string(rev.description), "_deleted": true])
    }

    package func allDocs(_ options: AllDocsOptions) async throws -> AllDocsResponse {
        storage.withLock { storage in
            let live = storage.docs.filter { !$0.value.tree.isWinnerDeleted }
            var ids = live.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            if let start = options.startKey {
                ids = ids.filter { !$0.utf8.lexicographicallyPrecedes(start.utf8) }
            }
            let page = ids.dropFirst(options.skip).prefix(options.limit ?? Int.max)
            let rows = page.map { id in
                let entry = live[id]!
                let winner = entry.tree.winner!
                var doc: JSON? = nil
                if options.includeDocs {
                    doc = MemoryDatabase.document(id, winner, entry)
                    if options.conflicts, !entry.tree.conflicts.isEmpty {
                        doc?["_conflicts"] = .array(
                            entry.tree.conflicts.map { .string($0.description) })
                    }
                }
                return AllDocsRow(id: id, key: id, rev: winner, doc: doc)
            }
            return AllDocsResponse(totalRows: live.count, offset: options.skip, rows: rows)
        }
    }

    // MARK: Local documents

    package func localDocument(_ id: String) async throws -> JSON? {
        storage.withLock { $0.locals[id] }
    }

    package func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        guard let id = doc["_id"]?.stringValue else { throw PouchError.badRequest("missing _id") }
        return try storage.withLock { storage throws(PouchError) in
            let current = storage.locals[id]?["_rev"]?.stringValue
            guard doc["_rev"]?.stringValue == current else { throw PouchError.conflict() }
            let counter = current.flatMap { RevisionID($0)?.hash }.flatMap { Int($0) } ?? 0
            let rev = RevisionID(generation: 0, hash: String(counter + 1))
            var stored = doc
            stored["_rev"] = .string(rev.description)
            storage.locals[id] = stored
            return WriteResult(id: id, rev: rev)
        }
    }

    package func removeLocalDocument(_ id: String, rev: RevisionID) async throws {
        try storage.withLock { storage throws(PouchError) in
            guard storage.locals[id] != nil else { throw PouchError.notFound() }
            storage.locals[id] = nil
        }
    }

    // MARK: Not supported

    static func unsupported() -> PouchError {
        PouchError.badRequest("not supported by MemoryDatabase")
    }

    package func putAttachment(
        docID: String, name: String, rev: RevisionID?, data: Data, contentType: String
    ) async throws -> WriteResult { throw MemoryDatabase.unsupported() }

    package func getAttachment(
        docID: String, name: String, rev: RevisionID?
    ) async throws -> AttachmentData { throw MemoryDatabase.unsupported() }

    package func removeAttachment(
        docID: String, name: String, rev: RevisionID
    ) async throws -> WriteResult { throw MemoryDatabase.unsupported() }

    package func find(_ query: FindQuery) async throws -> FindResponse {
        throw MemoryDatabase.unsupported()
    }

    package func createIndex(_ index: IndexDefinition) async throws -> CreateIndexResult {
        throw MemoryDatabase.unsupported()
    }

    package func indexes() async throws -> [IndexInfo] { throw MemoryDatabase.unsupported() }

    package func deleteIndex(ddoc: String, name: String) async throws {
        throw MemoryDatabase.unsupported()
    }
}
