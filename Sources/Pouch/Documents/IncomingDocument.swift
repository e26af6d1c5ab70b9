import Foundation

/// A document as a client wrote it, checked and split into CouchDB's
/// special members and its body, ready to store.
///
/// Validation follows CouchDB's `couch_doc:from_json_obj`: a non-object is
/// `bad_request` "Document must be a JSON object"; a non-string `_id` and
/// an `_id` starting with `_` other than `_design/` or `_local/` are
/// `illegal_docid`; an unknown `_` member is `doc_validation`; a malformed
/// `_rev` is `bad_request` "Invalid rev format".
struct IncomingDocument: Sendable {
    var id: String?
    /// The revision this edit replaces (`_rev`, or the newest of
    /// `_revisions`), or the revision being stored with `new_edits: false`.
    var rev: RevisionID?
    var isDeleted = false
    /// The history from `_revisions`, newest first.
    var revisions: [RevisionID]?
    /// For a `_local` document, the counter of its `_rev` (`0-N`).
    var localRev: Int?
    var attachments: [IncomingAttachment]?
    /// The members that are not special, in their written order.
    var body = JSONObject()
    private var revText: String?

    /// The special members CouchDB accepts on a document it stores or
    /// echoes back; others are rejected.
    static let specialMembers: Set<String> = [
        "_id", "_rev", "_deleted", "_attachments", "_revisions", "_conflicts",
        "_deleted_conflicts", "_local_seq", "_revs_info",
    ]

    init(_ json: JSON) throws(PouchError) {
        guard case .object(let object) = json else {
            throw PouchError.badRequest("Document must be a JSON object")
        }
        var body = JSONObject()
        body.reserveCapacity(object.count)
        for (key, value) in object {
            if key.utf8.first == UInt8(ascii: "_") {
                try readSpecial(key, value)
            } else {
                body.appendUnchecked(key, value)
            }
        }
        self.body = body
        try resolveRevision()
    }

    /// A document from its JSON text, as `init(_:)` reads its parsed form:
    /// the special members parsed, the others kept as the text stored for
    /// the body (`bodyBytes`) without building their values.
    init(text: [UInt8]) throws(PouchError) {
        let split: DocumentText?
        do {
            split = try DocumentText(text)
        } catch {
            throw PouchError.invalidJSON(error)
        }
        guard let split else { throw PouchError.badRequest("Document must be a JSON object") }
        for (key, value) in split.specials { try readSpecial(key, value) }
        preparedBody = split.body
        try resolveRevision()
    }

    /// Parses `_rev`: `0-N` for a `_local` document, `N-hash` otherwise;
    /// `_revisions`, when given, names the revision instead.
    private mutating func resolveRevision() throws(PouchError) {
        if isLocal {
            revisions = nil
            guard let revText else { return }
            let parts = revText.split(separator: "-", maxSplits: 1)
            guard parts.count == 2, parts[0] == "0", let counter = Int(parts[1]), counter >= 0
            else { throw PouchError.badRequest("Invalid rev format") }
            localRev = counter
        } else if let revisions {
            rev = revisions.first
        } else if let revText {
            rev = try RevisionID(validating: revText)
        }
    }

    private mutating func readSpecial(_ key: String, _ value: JSON) throws(PouchError) {
        switch key {
        case "_id":
            guard case .string(let id) = value else {
                throw PouchError.illegalDocID("Document id must be a string")
            }
            try DocumentID.validate(id)
            self.id = id
        case "_rev":
            guard case .string(let text) = value else {
                throw PouchError.badRequest("Invalid rev format")
            }
            revText = text
        case "_deleted":
            isDeleted = value == .bool(true)
        case "_revisions":
            revisions = try IncomingDocument.history(from: value)
        case "_attachments":
            attachments = try IncomingAttachment.list(from: value)
        default:
            guard IncomingDocument.specialMembers.contains(key) else {
                throw PouchError.docValidation("Bad special document member: \(key)")
            }
        }
    }

    /// The history in `_revisions: {start, ids}`, newest first.
    static func history(from value: JSON) throws(PouchError) -> [RevisionID] {
        guard let start = value["start"]?.intValue else {
            throw PouchError.docValidation("_revisions.start isn't an integer.")
        }
        guard let ids = value["ids"]?.arrayValue else {
            throw PouchError.docValidation("_revisions.ids isn't a array.")
        }
        guard start >= ids.count, !ids.isEmpty else {
            throw PouchError.badRequest("Invalid rev format")
        }
        var history: [RevisionID] = []
        history.reserveCapacity(ids.count)
        for (offset, id) in ids.enumerated() {
            guard case .string(let hash) = id, !hash.isEmpty else {
                throw PouchError.docValidation("RevId isn't a string")
            }
            history.append(RevisionID(generation: start - offset, hash: hash))
        }
        return history
    }

    /// The body's JSON text, as stored (computed once by `prepare(hashing:)`).
    var bodyBytes: [UInt8] { preparedBody ?? JSON.object(body).serializedBytes() }

    private var preparedBody: [UInt8]?
    /// The revision this edit makes when its parent is `rev`, computed
    /// ahead of the write (none when the document has attachments).
    private(set) var predictedRevision: RevisionID?

    /// For a new document, the first revision's tree and its stored forms,
    /// computed ahead of the write (see `prepare(hashing:)`).
    private(set) var preparedRoot: PreparedRoot?

    /// Serialises the body and hashes the edit's revision ahead of the
    /// write, so the writer only checks the parent is the one assumed.
    mutating func prepare(hashing: Bool) {
        let body = JSON.object(self.body).serializedBytes()
        preparedBody = body
        guard hashing, attachments == nil, !isLocal else { return }
        let predicted = RevisionID.next(
            after: rev, isDeleted: isDeleted, body: body, attachmentDigests: [])
        predictedRevision = predicted
        if rev == nil { preparedRoot = PreparedRoot(predicted, isDeleted: isDeleted) }
    }

    /// Whether the id names a `_local` document.
    var isLocal: Bool { id.map(DocumentID.isLocal) ?? false }
}

/// Document id rules, after CouchDB's `couch_doc:validate_docid`.
enum DocumentID {
    static let designPrefix = "_design/"
    static let localPrefix = "_local/"

    /// Throws `illegal_docid` for an empty id, and for an id starting with
    /// `_` that is not `_design/...` or `_local/...` (the bare prefixes
    /// included).
    static func validate(_ id: String) throws(PouchError) {
        guard !id.isEmpty else {
            throw PouchError.illegalDocID("Document id must not be empty")
        }
        guard id.utf8.first == UInt8(ascii: "_") else { return }
        for prefix in [designPrefix, localPrefix]
        where id.utf8.starts(with: prefix.utf8) && id.utf8.count > prefix.utf8.count {
            return
        }
        throw PouchError.illegalDocID("Only reserved document ids may start with underscore.")
    }

    /// Whether `id` is a `_local/` id (compared as bytes).
    static func isLocal(_ id: String) -> Bool {
        id.utf8.starts(with: localPrefix.utf8)
    }

    /// A new random id: 32 lowercase hexadecimal digits, as CouchDB's
    /// default `random` uuid algorithm makes.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return bytes.hexString
    }
}

/// A new document's one-revision tree with the forms the writer stores,
/// built on a preparing thread rather than by the writer.
struct PreparedRoot {
    let rev: RevisionID
    let tree: RevisionTree
    let revText: String
    let encodedTree: [UInt8]

    init(_ rev: RevisionID, isDeleted: Bool) {
        var tree = RevisionTree()
        tree.insert(rev, parent: nil, isDeleted: isDeleted)
        self.rev = rev
        self.tree = tree
        revText = rev.description
        encodedTree = tree.encoded()
    }
}
