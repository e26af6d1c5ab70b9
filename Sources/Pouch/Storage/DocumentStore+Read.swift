extension DocumentStore {
    /// A document at the winning revision or `options.rev`, after CouchDB's
    /// `GET /db/doc`: `not_found` `deleted` when the winner is a tombstone
    /// and no `rev` is asked, `missing` when the revision's body is not held.
    func get(_ id: String, options: GetOptions) throws(PouchError) -> JSON {
        let (doc, rev) = try target(id, options: options)
        guard let json = try render(doc, rev: rev, options: options) else {
            throw PouchError.notFound("missing")
        }
        return json
    }

    /// `get` as JSON text, around the stored body bytes.
    func getText(_ id: String, options: GetOptions) throws(PouchError) -> [UInt8] {
        let (doc, rev) = try target(id, options: options)
        guard let text = try renderText(doc, rev: rev, options: options) else {
            throw PouchError.notFound("missing")
        }
        return text
    }

    /// The document and the revision a `get` reads.
    private func target(
        _ id: String, options: GetOptions
    ) throws(PouchError)
        -> (DocumentRecord, RevisionID)
    {
        guard let doc = try document(id) else { throw PouchError.notFound("missing") }
        if let asked = options.rev {
            // CouchDB reads `?rev=` through `open_revs`, so `latest` moves
            // it to its newest leaf (the first in winning order).
            guard options.latest, let leaf = doc.tree.leaves(descendingFrom: asked).first
            else { return (doc, asked) }
            return (doc, leaf)
        }
        guard let winner = doc.winner, !doc.tree.isDeleted(winner) else {
            throw PouchError.notFound("deleted")
        }
        return (doc, winner)
    }

    /// Several revisions at once, after CouchDB's `open_revs`.
    func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) throws(PouchError) -> [OpenRevisionResult] {
        let doc = try document(id)
        let revs: [RevisionID]
        switch revisions {
        case .all:
            guard let doc else { throw PouchError.notFound("missing") }
            revs = doc.tree.leaves
        case .revisions(let asked):
            guard let doc else { return asked.map { .missing($0) } }
            revs = options.latest ? latest(asked, in: doc.tree) : asked
        }
        var results: [OpenRevisionResult] = []
        for rev in revs {
            if let doc, let json = try render(doc, rev: rev, options: options) {
                results.append(.ok(json))
            } else {
                results.append(.missing(rev))
            }
        }
        return results
    }

    /// Each asked revision replaced by its newest leaf descendants, without
    /// repeats; revisions not in the tree stay as asked.
    private func latest(_ asked: [RevisionID], in tree: RevisionTree) -> [RevisionID] {
        var seen = Set<RevisionID>()
        var result: [RevisionID] = []
        for rev in asked {
            let leaves = tree.contains(rev) ? tree.leaves(descendingFrom: rev) : [rev]
            for leaf in leaves where seen.insert(leaf).inserted { result.append(leaf) }
        }
        return result
    }

    /// After CouchDB's `_bulk_get`: each request answers its revision, or
    /// every leaf when it names none; a missing document or revision is a
    /// `not_found` item (rev `undefined` when none was asked).
    func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) throws(PouchError) -> [BulkGetResult] {
        var results: [BulkGetResult] = []
        results.reserveCapacity(requests.count)
        for request in requests {
            let getOptions = GetOptions(
                revs: options.revs, attachments: options.attachments,
                attsSince: request.attsSince, latest: options.latest)
            let asked: OpenRevisions = request.rev.map { .revisions([$0]) } ?? .all
            guard try document(request.id) != nil || request.rev != nil else {
                let error = PouchError.notFound("missing")
                let item = BulkGetResult.Item.error(id: request.id, rev: "undefined", error: error)
                results.append(BulkGetResult(id: request.id, docs: [item]))
                continue
            }
            let opened = try openRevisions(request.id, revisions: asked, options: getOptions)
            let items = opened.map { result -> BulkGetResult.Item in
                switch result {
                case .ok(let json): return .ok(json)
                case .missing(let rev):
                    return .error(
                        id: request.id, rev: rev.description, error: .notFound("missing"))
                }
            }
            results.append(BulkGetResult(id: request.id, docs: items))
        }
        return results
    }

    /// After CouchDB's `_revs_diff`: for each id, the asked revisions not
    /// in its tree and the leaves that could be their ancestors; ids with
    /// nothing missing are left out, and `_local` ids are never listed.
    func revsDiff(
        _ revisions: [String: [RevisionID]]
    ) throws(PouchError)
        -> [String: RevsDiffResult]
    {
        var result: [String: RevsDiffResult] = [:]
        for (id, revs) in revisions where !DocumentID.isLocal(id) {
            let tree = try document(id)?.tree ?? RevisionTree()
            var seen = Set<RevisionID>()
            let missing = tree.missing(revs).filter { seen.insert($0).inserted }
            guard !missing.isEmpty else { continue }
            var ancestors: [RevisionID] = []
            for rev in missing {
                for ancestor in tree.possibleAncestors(of: rev) where !ancestors.contains(ancestor)
                {
                    ancestors.append(ancestor)
                }
            }
            result[id] = RevsDiffResult(missing: missing, possibleAncestors: ancestors)
        }
        return result
    }
}
