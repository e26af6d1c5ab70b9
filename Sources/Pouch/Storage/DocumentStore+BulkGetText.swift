extension DocumentStore {
    /// `bulkGet` with each revision found as its JSON text, made by
    /// `renderText` around the stored body bytes: the text of the document
    /// `bulkGet` answers, without parsing the body and serialising it again.
    ///
    /// A request without a revision, or with `latest`, is answered as
    /// `bulkGet` answers it (parsed), as is a revision whose stored body
    /// is not an object's text.
    func bulkGetText(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) throws(PouchError) -> [BulkGetTextResult] {
        var results: [BulkGetTextResult] = []
        results.reserveCapacity(requests.count)
        for request in requests {
            guard let rev = request.rev, !options.latest else {
                results += try bulkGet([request], options: options).map(BulkGetTextResult.init)
                continue
            }
            let revision = try revisionText(request, rev: rev, options: options)
            results.append(BulkGetTextResult(id: request.id, revisions: [revision]))
        }
        return results
    }

    /// The revision `rev` of `request.id` as text, parsed when it cannot be
    /// given as text, or `not_found` `missing`.
    private func revisionText(
        _ request: BulkGetRequest, rev: RevisionID, options: BulkGetOptions
    ) throws(PouchError) -> ReplicatedRevision {
        let getOptions = GetOptions(
            revs: options.revs, attachments: options.attachments, attsSince: request.attsSince)
        if let (doc, winner) = try documentWithWinner(request.id) {
            let stored = rev == doc.winner ? winner : nil
            if let text = try renderText(doc, rev: rev, options: getOptions, stored: stored) {
                return .found(.text(id: request.id, bytes: text))
            }
            if let json = try render(doc, rev: rev, options: getOptions) {
                return .found(.json(json))
            }
        }
        return .failed(id: request.id, rev: rev.description, error: .notFound("missing"))
    }

    /// The document `id` and its winning revision's row, read together
    /// (most revisions a replication asks for are winners); `nil` when the
    /// document was never stored.
    func documentWithWinner(
        _ id: String
    ) throws(PouchError) -> (DocumentRecord, RevisionRecord)? {
        let statement = try connection.statement(
            "SELECT seq, tree, deleted, body, atts FROM docs WHERE id = ?")
        defer { statement.reset() }
        try statement.bind(1, id)
        guard try statement.step() else { return nil }
        let tree = try RevisionTree(encoded: statement.bytes(1) ?? [])
        let doc = DocumentRecord(id: id, seq: statement.int64(0), tree: tree)
        let attachments = try statement.bytes(4).map(AttachmentInfo.decode) ?? []
        let winner = RevisionRecord(
            isDeleted: statement.bool(2), body: statement.bytes(3), attachments: attachments)
        return (doc, winner)
    }
}
