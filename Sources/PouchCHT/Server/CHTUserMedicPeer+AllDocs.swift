import Pouch

extension CHTUserMedicPeer {
    /// `_all_docs` as CHT's `all-docs` service answers an offline user.
    ///
    /// With `keys`: a row per key in the asked order; a key the user may
    /// not hold (or that names no live document) gets a `forbidden` error
    /// row in its place -- CHT writes it `{"id", "error": "forbidden"}`,
    /// this server in CouchDB's error-row form `{"key", "error"}`. Without
    /// `keys`: the allowed documents in the asked range, with `skip` and
    /// `limit` counted among them. `total_rows` is the number of documents
    /// the user may hold.
    public func allDocs(_ options: AllDocsOptions) async throws -> AllDocsResponse {
        let allowed = try await allowedIDs()
        if let keys = options.keys {
            return try await allDocs(keys: keys, options: options, allowed: allowed)
        }

        // The range's ids first, without bodies; bodies only for the page.
        var range = options
        range.skip = 0
        range.limit = nil
        range.includeDocs = false
        let listed = try await medic.allDocs(range)
        let visible = listed.rows.filter { row in row.id.map(allowed.contains) ?? false }
        var page = Array(visible.dropFirst(options.skip).prefix(options.limit ?? visible.count))
        if options.includeDocs, !page.isEmpty {
            page = try await medic.allDocs(Self.bodies(of: page, options)).rows
        }
        return AllDocsResponse(
            totalRows: allowed.count, offset: options.skip, rows: page,
            updateSeq: listed.updateSeq)
    }

    private func allDocs(
        keys: [String], options: AllDocsOptions, allowed: Set<String>
    ) async throws -> AllDocsResponse {
        var permitted = options
        permitted.keys = keys.filter(allowed.contains)
        var found: [String: AllDocsRow] = [:]
        var updateSeq: JSON?
        if permitted.keys?.isEmpty == false {
            let response = try await medic.allDocs(permitted)
            updateSeq = response.updateSeq
            for row in response.rows where row.error == nil && !row.isDeleted {
                if let id = row.id, found[id] == nil { found[id] = row }
            }
        }
        let rows = keys.map { key in
            found[key] ?? AllDocsRow(id: nil, key: key, error: "forbidden")
        }
        return AllDocsResponse(
            totalRows: allowed.count, offset: 0, rows: rows, updateSeq: updateSeq)
    }

    /// The options that read the bodies of `rows`, in their order.
    private static func bodies(of rows: [AllDocsRow], _ options: AllDocsOptions) -> AllDocsOptions {
        var fetch = AllDocsOptions()
        fetch.keys = rows.compactMap(\.id)
        fetch.includeDocs = true
        fetch.conflicts = options.conflicts
        fetch.attachments = options.attachments
        return fetch
    }
}
