import Foundation

extension Database {
    /// Adds or replaces an attachment, making a new revision, after
    /// CouchDB's `PUT /db/doc/name?rev=`.
    ///
    /// Without `rev` the document must not exist (or be deleted); it is
    /// created with only this attachment. A stale `rev`, or one of a
    /// document that does not exist, is `conflict`.
    @discardableResult
    public func putAttachment(
        docID: String, name: String, rev: RevisionID?, data: Data, contentType: String
    ) async throws -> WriteResult {
        try DocumentID.validate(docID)
        try IncomingAttachment.validate(name: name)
        // The caller's bytes are digested and stored in place, never copied.
        let added = IncomingAttachment.inline(
            name: name, contentType: contentType, data: data,
            computedDigest: AttachmentInfo.digest(of: data), digest: nil, revpos: nil)
        return try await write { store in
            var edit = try store.editBase(docID: docID, rev: rev)
            edit.attachments = (edit.attachments ?? []).filter { $0.name != name } + [added]
            return try store.writeEdits([edit]).first!.get()
        }
    }

    /// An attachment of the winning revision, or of `rev`, after CouchDB's
    /// `GET /db/doc/name`: `not_found` `missing` or `deleted` for the
    /// document, `Document is missing attachment` for the name.
    ///
    /// The body is read from the file straight into the returned value (not
    /// through the memory map), so it costs its own size in memory once.
    public func getAttachment(
        docID: String, name: String, rev: RevisionID?
    ) async throws -> AttachmentData {
        try await read(short: true, unmapped: true) { store in
            try store.attachment(docID: docID, name: name, rev: rev)
        }
    }

    /// Removes an attachment, making a new revision, after CouchDB's
    /// `DELETE /db/doc/name?rev=`.
    @discardableResult
    public func removeAttachment(
        docID: String, name: String, rev: RevisionID
    ) async throws -> WriteResult {
        try DocumentID.validate(docID)
        try IncomingAttachment.validate(name: name)
        return try await write { store in
            var edit = try store.editBase(docID: docID, rev: rev)
            let attachments = edit.attachments ?? []
            guard attachments.contains(where: { $0.name == name }) else {
                throw PouchError.notFound("Document is missing attachment")
            }
            edit.attachments = attachments.filter { $0.name != name }
            return try store.writeEdits([edit]).first!.get()
        }
    }
}

extension DocumentStore {
    /// An edit of `rev` that keeps its body and attachments (as stubs); an
    /// empty new document when `rev` is `nil`. A `rev` that is not a leaf
    /// of the document, or of no document at all, is `conflict`, as
    /// CouchDB's `db_attachment_req` answers.
    func editBase(docID: String, rev: RevisionID?) throws(PouchError) -> IncomingDocument {
        var edit = try IncomingDocument(["_id": .string(docID)])
        guard let rev else { return edit }
        guard let doc = try document(docID), doc.tree.isLeaf(rev),
            let record = try revision(rev, of: doc)
        else {
            throw PouchError.conflict()
        }
        edit.rev = rev
        if let body = record.body, case .object(let object)? = try? JSON(parsing: body) {
            edit.body = object
        }
        edit.attachments = record.attachments.map {
            .stub(name: $0.name, digest: $0.digest, revpos: $0.revpos)
        }
        return edit
    }

    /// The bytes and description of an attachment.
    func attachment(
        docID: String, name: String, rev: RevisionID?
    ) throws(PouchError)
        -> AttachmentData
    {
        guard let doc = try document(docID) else { throw PouchError.notFound("missing") }
        let target: RevisionID
        if let rev {
            target = rev
        } else {
            guard let winner = doc.winner, !doc.tree.isDeleted(winner) else {
                throw PouchError.notFound("deleted")
            }
            target = winner
        }
        guard doc.tree.contains(target), let record = try revision(target, of: doc),
            record.body != nil
        else { throw PouchError.notFound("missing") }
        guard let info = record.attachments.first(where: { $0.name == name }),
            let data = try attachmentData(digest: info.digest)
        else { throw PouchError.notFound("Document is missing attachment") }
        return AttachmentData(data: data, contentType: info.contentType, digest: info.digest)
    }
}
