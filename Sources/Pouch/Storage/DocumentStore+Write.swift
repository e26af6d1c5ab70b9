extension DocumentStore {
    /// Writes a batch in one transaction, after CouchDB's `_bulk_docs`.
    ///
    /// With `newEdits` each document is an edit of the leaf its `_rev`
    /// names and gets one result (its new revision or its own error).
    /// Without, each carries its revision and history, is merged into the
    /// tree, and only failures are answered. Errors below status 500 belong
    /// to one document; others abort the batch.
    func bulkDocs(
        _ docs: [IncomingDocument], newEdits: Bool
    ) throws(PouchError)
        -> [BulkDocsResult]
    {
        try bulkDocs(chunks: 1, chunk: { _ in docs }, newEdits: newEdits)
    }

    /// `bulkDocs` over documents handed over in chunks, in order; a chunk
    /// that throws (an invalid document) rolls the whole batch back.
    func bulkDocs(
        chunks: Int, chunk: (Int) throws(PouchError) -> [IncomingDocument], newEdits: Bool
    ) throws(PouchError) -> [BulkDocsResult] {
        try write { () throws(PouchError) in
            let original = try counters()
            var counters = original
            var results: [BulkDocsResult] = []
            for index in 0..<chunks {
                for doc in try chunk(index) {
                    if let result = try write(doc, newEdits: newEdits, counters: &counters) {
                        results.append(result)
                    }
                }
            }
            try save(counters, over: original)
            return results
        }
    }

    /// Writes one document of a batch: its result, `nil` for a replicated
    /// one that succeeded. Errors below 500 are the document's own.
    private func write(
        _ doc: IncomingDocument, newEdits: Bool, counters: inout Counters
    ) throws(PouchError) -> BulkDocsResult? {
        let id = doc.id ?? DocumentID.generate()
        do throws(PouchError) {
            if doc.isLocal {
                let rev = try putLocal(doc, id: id)
                return newEdits ? BulkDocsResult(id: id, rev: rev) : nil
            } else if newEdits {
                let rev = try writeEdit(doc, id: id, counters: &counters)
                return BulkDocsResult(id: id, rev: rev)
            } else {
                try writeReplicated(doc, id: id, counters: &counters)
                return nil
            }
        } catch  where error.status < 500 {
            return BulkDocsResult(id: id, error: error)
        }
    }

    /// Stores an edit: a new revision as a child of `_rev` (or of the
    /// deleted winner when a deleted document is written again without a
    /// `_rev`, so generations continue as in CouchDB).
    func writeEdit(
        _ doc: IncomingDocument, id: String, counters: inout Counters
    ) throws(PouchError) -> RevisionID {
        if doc.rev == nil, doc.attachments == nil,
            let rev = try create(doc, id: id, counters: &counters)
        {
            return rev
        }
        let existing = try document(id)
        let parent = try parentForEdit(doc, existing)
        let parentAttachments =
            if let parent, let existing, doc.attachments != nil {
                try revision(parent, of: existing)?.attachments ?? []
            } else { [AttachmentInfo]() }
        let generation = (parent?.generation ?? 0) + 1
        let attachments = try resolveAttachments(
            doc.attachments, docID: id, generation: generation, held: parentAttachments,
            newEdits: true)

        let body = doc.bodyBytes
        let rev: RevisionID
        if let predicted = doc.predictedRevision, parent == doc.rev {
            rev = predicted
        } else {
            rev = RevisionID.next(
                after: parent, isDeleted: doc.isDeleted, body: body,
                attachmentDigests: attachments.map(\.digest))
        }
        var tree = existing?.tree ?? RevisionTree()
        guard !tree.contains(rev) else { throw PouchError.conflict() }
        tree.insert(rev, parent: parent, isDeleted: doc.isDeleted)

        let record = RevisionRecord(
            isDeleted: doc.isDeleted, body: body, attachments: attachments)
        try commit(
            id: id, existing: existing, tree: tree, rev: rev, record: record,
            counters: &counters)
        return rev
    }

    /// Stores the first revision of a document whose id is not taken, in
    /// one insert with no lookup first; `nil`, having written nothing, when
    /// the id is taken (the edit then goes the general way).
    private func create(
        _ doc: IncomingDocument, id: String, counters: inout Counters
    ) throws(PouchError) -> RevisionID? {
        let body = doc.bodyBytes
        let root =
            doc.preparedRoot
            ?? PreparedRoot(
                RevisionID.next(
                    after: nil, isDeleted: doc.isDeleted, body: body, attachmentDigests: []),
                isDeleted: doc.isDeleted)
        let rev = root.rev
        let record = DocumentRecord(id: id, seq: counters.updateSeq + 1, tree: root.tree)
        let revision = RevisionRecord(isDeleted: doc.isDeleted, body: body, attachments: [])
        guard try insertIfAbsent(record, root: root, revision: revision) else { return nil }
        counters.updateSeq = record.seq
        counters.count(before: nil, after: doc.isDeleted)
        try indexDocument(record)
        return rev
    }

    /// The leaf an edit extends; `conflict` when `_rev` is not a leaf, or
    /// when it is absent and the document is live.
    private func parentForEdit(
        _ doc: IncomingDocument, _ existing: DocumentRecord?
    ) throws(PouchError) -> RevisionID? {
        if let rev = doc.rev {
            guard let existing, existing.tree.isLeaf(rev) else { throw PouchError.conflict() }
            return rev
        }
        guard let existing, let winner = existing.winner else { return nil }
        guard existing.tree.isDeleted(winner) else { throw PouchError.conflict() }
        return winner
    }

    /// Merges a replicated revision and its history; a revision already
    /// held changes nothing.
    func writeReplicated(
        _ doc: IncomingDocument, id: String, counters: inout Counters
    ) throws(PouchError) {
        guard let rev = doc.rev else {
            throw PouchError.badRequest("Document \(id) needs a _rev with new_edits=false")
        }
        let history = doc.revisions ?? [rev]
        if doc.attachments == nil,
            try createReplicated(doc, id: id, history: history, counters: &counters)
        {
            return
        }
        let existing = try document(id)
        var tree = existing?.tree ?? RevisionTree()
        guard tree.merge(history: history, isDeleted: doc.isDeleted) else { return }

        let held = try heldAttachments(
            for: doc.attachments, history: tree.history(of: rev).dropFirst(), existing: existing)
        let attachments = try resolveAttachments(
            doc.attachments, docID: id, generation: rev.generation, held: held,
            newEdits: false)
        let record = RevisionRecord(
            isDeleted: doc.isDeleted, body: doc.bodyBytes, attachments: attachments)
        try commit(
            id: id, existing: existing, tree: tree, rev: rev, record: record,
            counters: &counters)
    }

    /// A replicated revision of a document this database has never held,
    /// without attachments: one insert and no lookup first, as `create`
    /// does for edits; `false` (nothing written) when the id is taken.
    private func createReplicated(
        _ doc: IncomingDocument, id: String, history: [RevisionID], counters: inout Counters
    ) throws(PouchError) -> Bool {
        var tree = RevisionTree()
        guard tree.merge(history: history, isDeleted: doc.isDeleted) else { return false }
        _ = tree.stem(to: counters.revsLimit)
        guard let winner = tree.winner else { return false }
        let record = DocumentRecord(id: id, seq: counters.updateSeq + 1, tree: tree)
        let revision = RevisionRecord(
            isDeleted: doc.isDeleted, body: doc.bodyBytes, attachments: [])
        guard try insertIfAbsent(record, winner: winner, revision: revision) else { return false }
        counters.updateSeq = record.seq
        counters.count(before: nil, after: doc.isDeleted)
        try indexDocument(record)
        return true
    }

    /// Saves a document's new tree and revision under a new sequence,
    /// stemming the tree to the revs limit and keeping the counts.
    func commit(
        id: String, existing: DocumentRecord?, tree: RevisionTree, rev: RevisionID,
        record: RevisionRecord, counters: inout Counters
    ) throws(PouchError) {
        var tree = tree
        let stemmed = tree.stem(to: counters.revsLimit)
        guard let winner = tree.winner else {
            throw PouchError.storage("a document without revisions cannot be saved")
        }
        let isDeleted = tree.isDeleted(winner)
        counters.updateSeq += 1
        let updated = DocumentRecord(id: id, seq: counters.updateSeq, tree: tree)
        if let existing {
            try update(updated, from: existing, written: (rev, record), removed: stemmed)
        } else {
            // A new document's only leaf, so its winner, is the revision
            // written; its ancestors (from a replicated history) have no body.
            guard try insertIfAbsent(updated, winner: winner, revision: record) else {
                throw PouchError.storage("document \(id) was stored twice")
            }
        }
        counters.count(before: existing.map(\.isDeleted), after: isDeleted)
        try indexDocument(updated)
    }
}

extension Counters {
    /// Moves a document between the live and deleted counts.
    mutating func count(before: Bool?, after: Bool?) {
        switch before {
        case true?: docDelCount -= 1
        case false?: docCount -= 1
        case nil: break
        }
        switch after {
        case true?: docDelCount += 1
        case false?: docCount += 1
        case nil: break
        }
    }
}
