import Pouch

/// Which documents an offline CHT user may write to `medic`, as CHT's API
/// decides before passing a `_bulk_docs` or `PUT` on to CouchDB.
///
/// A write is allowed when the user may hold both the stored document (if
/// any) and the new version -- judged with the other documents of the same
/// batch already in place, so a new contact and a report about it can
/// arrive together. Feedback is always accepted. Design documents,
/// settings-like documents, forms and translations are an administrator's
/// to change, and other users' settings documents are not the user's.
public enum CHTWriteAuthorization {
    /// For each document of `batch`, whether `user` may write it.
    ///
    /// - Parameters:
    ///   - stored: the current winning body of each batch document that
    ///     exists and is not deleted, by id.
    ///   - index: the access index of the database before the batch.
    /// - Complexity: O(*b* + *s*) for a batch of *b* documents and a user
    ///   subtree of *s* documents.
    public static func allowedWrites(
        _ batch: [JSON], stored: [String: JSON], index: CHTAccessIndex, user: CHTUserContext
    ) -> [Bool] {
        let before = Set(index.allowedDocumentIDs(for: user))
        // Only documents whose stored version the user holds may change
        // what else the user holds: moving a foreign contact in must not
        // open its reports.
        var tentative = index
        for document in batch where isWritableKind(document, user: user) {
            guard let id = document["_id"]?.stringValue,
                isStoredVersionWritable(id, stored: stored, before: before, user: user)
            else { continue }
            tentative.update(with: document)
        }
        let after = Set(tentative.allowedDocumentIDs(for: user))
        return batch.map { document in
            guard isWritableKind(document, user: user),
                let id = document["_id"]?.stringValue,
                isStoredVersionWritable(id, stored: stored, before: before, user: user)
            else { return false }
            if document["_deleted"]?.boolValue == true {
                return stored[id] == nil || before.contains(id)
            }
            if document["type"]?.stringValue == "feedback" { return true }
            return after.contains(id)
        }
    }

    /// Whether the stored version of `id`, if any, is one the user holds
    /// and of a kind the user may change: a deletion of `settings` is
    /// judged by what is deleted, not by the bare tombstone.
    private static func isStoredVersionWritable(
        _ id: String, stored: [String: JSON], before: Set<String>, user: CHTUserContext
    ) -> Bool {
        guard let current = stored[id] else { return true }
        return before.contains(id) && isWritableKind(current, user: user)
    }

    /// Whether a document is of a kind an offline user may write at all.
    static func isWritableKind(_ document: JSON, user: CHTUserContext) -> Bool {
        guard let id = document["_id"]?.stringValue, !id.hasPrefix("_design/") else {
            return false
        }
        if id.hasPrefix("org.couchdb.user:") { return id == user.userSettingsID }
        return CHTReplicationKey(document: document) != .everyone
    }
}
