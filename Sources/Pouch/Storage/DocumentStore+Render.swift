import Foundation

extension DocumentStore {
    /// The document at `rev` as CouchDB shows it, or `nil` when that
    /// revision's body is not held.
    ///
    /// Members come in CouchDB's order: `_id`, `_rev`, the body,
    /// `_deleted`, `_revisions`, `_revs_info`, `_conflicts`,
    /// `_deleted_conflicts`, `_local_seq`, `_attachments`.
    func render(
        _ doc: DocumentRecord, rev: RevisionID, options: GetOptions
    ) throws(PouchError) -> JSON? {
        guard doc.tree.contains(rev), let record = try revision(rev, of: doc),
            let body = record.body
        else { return nil }
        var object = JSONObject()
        object.appendUnchecked("_id", .string(doc.id))
        object.appendUnchecked("_rev", .string(rev.description))
        try appendBody(body, to: &object)
        if record.isDeleted { object.appendUnchecked("_deleted", true) }
        try appendMeta(doc, rev: rev, options: options, to: &object)
        if !record.attachments.isEmpty {
            let attachments = try renderAttachments(
                record.attachments, doc: doc, rev: rev, options: options)
            object.appendUnchecked("_attachments", attachments)
        }
        return .object(object)
    }

    /// The JSON text of `render`, built around the stored body bytes
    /// without parsing them: what an HTTP response sends.
    ///
    /// `stored` is the revision's row when the caller has read it already.
    func renderText(
        _ doc: DocumentRecord, rev: RevisionID, options: GetOptions,
        stored: RevisionRecord? = nil
    ) throws(PouchError) -> [UInt8]? {
        guard doc.tree.contains(rev) else { return nil }
        let record = if let stored { stored } else { try revision(rev, of: doc) }
        guard let record, let body = record.body, body.first == UInt8(ascii: "{"),
            body.count >= 2
        else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(body.count + 96)
        output.append(contentsOf: #"{"_id":"#.utf8)
        JSON.string(doc.id).serialize(into: &output)
        output.append(contentsOf: #","_rev":"#.utf8)
        JSON.string(rev.description).serialize(into: &output)
        if body.count > 2 {
            output.append(UInt8(ascii: ","))
            output.append(contentsOf: body[1..<(body.count - 1)])
        }
        var extra = JSONObject()
        if record.isDeleted { extra.appendUnchecked("_deleted", true) }
        try appendMeta(doc, rev: rev, options: options, to: &extra)
        if !record.attachments.isEmpty {
            let attachments = try renderAttachments(
                record.attachments, doc: doc, rev: rev, options: options)
            extra.appendUnchecked("_attachments", attachments)
        }
        for (key, value) in extra {
            output.append(UInt8(ascii: ","))
            JSON.string(key).serialize(into: &output)
            output.append(UInt8(ascii: ":"))
            value.serialize(into: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    private func appendBody(_ body: [UInt8], to object: inout JSONObject) throws(PouchError) {
        guard case .object(let members)? = try? JSON(parsing: body) else {
            throw PouchError.storage("a stored document body is unreadable")
        }
        object.reserveCapacity(members.count + 3)
        for (key, value) in members { object.appendUnchecked(key, value) }
    }

    private func appendMeta(
        _ doc: DocumentRecord, rev: RevisionID, options: GetOptions,
        to object: inout JSONObject
    ) throws(PouchError) {
        let tree = doc.tree
        if options.revs {
            let ids = tree.history(of: rev).map { JSON.string($0.hash) }
            object.appendUnchecked(
                "_revisions", ["start": .int(Int64(rev.generation)), "ids": .array(ids)])
        }
        if options.revsInfo {
            object.appendUnchecked("_revs_info", try revsInfo(doc, rev: rev))
        }
        let others = tree.leaves.filter { $0 != rev }
        let conflicts = others.filter { !tree.isDeleted($0) }
        if options.conflicts, !conflicts.isEmpty {
            object.appendUnchecked("_conflicts", .array(conflicts.map { .string($0.description) }))
        }
        let deleted = others.filter { tree.isDeleted($0) }
        if options.deletedConflicts, !deleted.isEmpty {
            object.appendUnchecked(
                "_deleted_conflicts", .array(deleted.map { .string($0.description) }))
        }
        if options.localSeq { object.appendUnchecked("_local_seq", .int(doc.seq)) }
    }

    /// `_revs_info`: each revision from `rev` back, `available`, `deleted`
    /// or `missing` (body not held).
    private func revsInfo(_ doc: DocumentRecord, rev: RevisionID) throws(PouchError) -> JSON {
        let available = try availableRevisions(of: doc)
        let entries = doc.tree.history(of: rev).map { ancestor -> JSON in
            let status =
                !available.contains(ancestor)
                ? "missing" : doc.tree.isDeleted(ancestor) ? "deleted" : "available"
            return ["rev": .string(ancestor.description), "status": .string(status)]
        }
        return .array(entries)
    }

    /// Stubs, or inline base64 `data` for attachments newer than the
    /// newest `attsSince` revision in this revision's history.
    private func renderAttachments(
        _ attachments: [AttachmentInfo], doc: DocumentRecord, rev: RevisionID,
        options: GetOptions
    ) throws(PouchError) -> JSON {
        let inline = options.attachments || options.attsSince != nil
        var since = 0
        if let attsSince = options.attsSince {
            let asked = Set(attsSince)
            since = doc.tree.history(of: rev).first { asked.contains($0) }?.generation ?? 0
        }
        var object = JSONObject()
        for attachment in attachments {
            if inline, attachment.revpos > since,
                let data = try attachmentData(digest: attachment.digest)
            {
                object.appendUnchecked(attachment.name, attachment.inline(data))
            } else {
                object.appendUnchecked(attachment.name, attachment.stub)
            }
        }
        return .object(object)
    }
}
