import Pouch

/// A document id with its current winning revision, as CHT's replication
/// API lists them.
public struct CHTDocumentRevision: Sendable, Hashable {
    public var id: String
    public var rev: String

    public init(id: String, rev: String) {
        self.id = id
        self.rev = rev
    }
}

/// The answer of CHT's `GET /api/v1/replication/get-ids`: every document
/// the user may hold at its winning revision, with the warning CHT gives
/// when the list passes its limit.
///
/// ```json
/// {"doc_ids_revs": [{"id": "a", "rev": "1-x"}], "warn_docs": 1,
///  "last_seq": "12-g1A", "warn": false, "limit": 10000}
/// ```
public struct CHTGetIDsResponse: Sendable, Equatable {
    /// The number of documents past which CHT warns the user.
    public static let warnLimit = 10_000

    /// The documents and revisions.
    public var docIDsRevs: [CHTDocumentRevision]
    /// How many documents count toward the warning (tasks do not).
    public var warnDocs: Int
    /// The server's update sequence when the list was made.
    public var lastSeq: JSON
    /// Whether `warnDocs` reached `limit`.
    public var warn: Bool
    /// The warning limit.
    public var limit: Int

    /// An answer for `documents`; tasks (`task~...`) are left out of the
    /// warning count, as CHT does.
    public init(documents: [CHTDocumentRevision], lastSeq: JSON, limit: Int = warnLimit) {
        docIDsRevs = documents
        warnDocs = documents.count { !$0.id.hasPrefix("task~") }
        self.lastSeq = lastSeq
        warn = warnDocs >= limit
        self.limit = limit
    }

    /// Reads an answer's JSON body.
    ///
    /// - Throws: `bad_response` when `doc_ids_revs` is missing or malformed.
    public init(json: JSON) throws(PouchError) {
        guard let rows = json["doc_ids_revs"]?.arrayValue else {
            throw PouchError(.badResponse, "get-ids answer has no doc_ids_revs", status: 502)
        }
        var documents: [CHTDocumentRevision] = []
        documents.reserveCapacity(rows.count)
        for row in rows {
            guard let id = row["id"]?.stringValue, let rev = row["rev"]?.stringValue else {
                throw PouchError(.badResponse, "get-ids row without id and rev", status: 502)
            }
            documents.append(CHTDocumentRevision(id: id, rev: rev))
        }
        docIDsRevs = documents
        warnDocs = json["warn_docs"]?.intValue ?? documents.count
        lastSeq = json["last_seq"] ?? .null
        limit = json["limit"]?.intValue ?? Self.warnLimit
        warn = json["warn"]?.boolValue ?? (warnDocs >= limit)
    }

    /// The JSON body, members in CHT's order.
    public var json: JSON {
        let rows = docIDsRevs.map { row -> JSON in ["id": .string(row.id), "rev": .string(row.rev)]
        }
        return [
            "doc_ids_revs": .array(rows), "warn_docs": .int(Int64(warnDocs)),
            "last_seq": lastSeq, "warn": .bool(warn), "limit": .int(Int64(limit)),
        ]
    }
}
