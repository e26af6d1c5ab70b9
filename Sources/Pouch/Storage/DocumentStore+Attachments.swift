extension DocumentStore {
    /// The descriptions a written revision's `_attachments` stand for:
    /// inline data is stored (once per digest) and described anew; a stub
    /// takes the description `held` has under its name, or is
    /// `missing_stub` (412).
    ///
    /// New data gets `revpos` = `generation`; with `newEdits` false the
    /// sent digest and revpos are kept as given.
    func resolveAttachments(
        _ incoming: [IncomingAttachment]?, docID: String, generation: Int,
        held: [AttachmentInfo], newEdits: Bool
    ) throws(PouchError) -> [AttachmentInfo] {
        guard let incoming else { return [] }
        var result: [AttachmentInfo] = []
        result.reserveCapacity(incoming.count)
        for attachment in incoming {
            switch attachment {
            case .inline(let name, let type, let data, let computed, let given, let revpos):
                let digest = newEdits ? computed : (given ?? computed)
                try saveAttachmentData(data, digest: digest, name: name)
                result.append(
                    AttachmentInfo(
                        name: name, contentType: type, digest: digest, length: data.count,
                        revpos: newEdits ? generation : (revpos ?? generation)))
            case .stub(let name, _, _):
                guard let kept = held.first(where: { $0.name == name }) else {
                    throw PouchError.missingStub(
                        "Invalid attachment stub in \(docID) for \(name)")
                }
                result.append(kept)
            }
        }
        return result
    }

    /// For a replicated revision with stubs: the attachments of its nearest
    /// held ancestors, nearest first, until every stub's name is found.
    ///
    /// Limitation: a stub is found only among the same document's held
    /// ancestors; a body held only by another document is `missing_stub`.
    func heldAttachments(
        for incoming: [IncomingAttachment]?, history: ArraySlice<RevisionID>,
        existing: DocumentRecord?
    ) throws(PouchError) -> [AttachmentInfo] {
        guard let incoming, let existing else { return [] }
        var wanted = Set<String>()
        for case .stub(let name, _, _) in incoming { wanted.insert(name) }
        var found: [AttachmentInfo] = []
        for rev in history where !wanted.isEmpty {
            guard let record = try revision(rev, of: existing) else { continue }
            for attachment in record.attachments where wanted.contains(attachment.name) {
                found.append(attachment)
                wanted.remove(attachment.name)
            }
        }
        return found
    }
}
