extension DocumentStore {
    /// After CouchDB's compaction: drops the bodies (and attachment
    /// descriptions) of revisions that are not leaves, keeping every tree
    /// whole, then deletes attachment bodies no kept revision refers to.
    func compact() throws(PouchError) {
        try write { () throws(PouchError) in
            let documents = try connection.statement("SELECT id, tree FROM docs")
            defer { documents.reset() }
            let clear = try connection.statement(
                "UPDATE revs SET body = NULL, atts = NULL WHERE id = ? AND rev = ?")
            while try documents.step() {
                let id = documents.string(0)
                let tree = try RevisionTree(encoded: documents.bytes(1) ?? [])
                let leaves = Set(tree.leaves)
                for rev in tree.allRevisions where !leaves.contains(rev) {
                    try clear.bind(1, id)
                    try clear.bind(2, rev.description)
                    try clear.run()
                }
            }
            try deleteUnusedAttachments()
        }
        try connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// Deletes the attachment bodies whose digest no revision names.
    private func deleteUnusedAttachments() throws(PouchError) {
        let statement = try connection.statement(
            """
            SELECT atts FROM revs WHERE atts IS NOT NULL
            UNION ALL SELECT atts FROM docs WHERE atts IS NOT NULL
            """)
        var used = Set<String>()
        while try statement.step() {
            for attachment in try AttachmentInfo.decode(statement.bytes(0) ?? []) {
                used.insert(attachment.digest)
            }
        }
        statement.reset()
        let all = try connection.statement("SELECT digest FROM attachments")
        var unused: [String] = []
        while try all.step() {
            let digest = all.string(0)
            if !used.contains(digest) { unused.append(digest) }
        }
        all.reset()
        let delete = try connection.statement("DELETE FROM attachments WHERE digest = ?")
        for digest in unused {
            try delete.bind(1, digest)
            try delete.run()
        }
    }

    /// After CouchDB's `_purge`: removes the given leaf revisions (and the
    /// ancestors only they had) as if never written; a document left
    /// without leaves disappears. Answers, per id, the revisions purged.
    func purge(_ request: [String: [RevisionID]]) throws(PouchError) -> [String: [RevisionID]] {
        try write { () throws(PouchError) in
            let original = try counters()
            var counters = original
            var purged: [String: [RevisionID]] = [:]
            for (id, revs) in request {
                purged[id] = try purge(id: id, revs: revs, counters: &counters)
            }
            if purged.values.contains(where: { !$0.isEmpty }) {
                counters.purgeSeq += 1
                counters.updateSeq += 1
            }
            try save(counters, over: original)
            return purged
        }
    }

    private func purge(
        id: String, revs: [RevisionID], counters: inout Counters
    ) throws(PouchError) -> [RevisionID] {
        guard let doc = try document(id) else { return [] }
        let leaves = doc.tree.leaves
        let removed = leaves.filter { revs.contains($0) }
        guard !removed.isEmpty else { return [] }
        let kept = leaves.filter { !removed.contains($0) }
        guard !kept.isEmpty else {
            try unindexDocument(doc)
            try deleteDocument(id)
            counters.count(before: doc.isDeleted, after: nil)
            return removed
        }
        var tree = doc.tree
        let dropped = tree.purge(Set(removed))
        counters.updateSeq += 1
        let updated = DocumentRecord(id: id, seq: counters.updateSeq, tree: tree)
        try update(updated, from: doc, written: nil, removed: dropped)
        try indexDocument(updated)
        counters.count(before: doc.isDeleted, after: updated.isDeleted)
        return removed
    }

    /// Sets how many revisions of history each document keeps.
    func setRevsLimit(_ limit: Int) throws(PouchError) {
        try write { () throws(PouchError) in
            let original = try counters()
            var counters = original
            counters.revsLimit = limit
            try save(counters, over: original)
        }
    }

    /// Sets how many purge records CouchDB would keep.
    func setPurgedInfosLimit(_ limit: Int) throws(PouchError) {
        try write { () throws(PouchError) in
            let original = try counters()
            var counters = original
            counters.purgedInfosLimit = limit
            try save(counters, over: original)
        }
    }

    /// Bytes of the file and of pages in use.
    func sizes() throws(PouchError) -> (file: Int, active: Int) {
        let pageSize = Int(try connection.integer("PRAGMA page_size"))
        let pages = Int(try connection.integer("PRAGMA page_count"))
        let free = Int(try connection.integer("PRAGMA freelist_count"))
        return (pages * pageSize, (pages - free) * pageSize)
    }
}
