import Foundation
import Pouch

/// CouchDB's document API over `medic` for an offline user, after CHT's
/// `db-doc` and `all-docs` services: a user reads (`GET`) and deletes only
/// documents they may hold, writes (`PUT`, `POST`) only documents they
/// will then hold, and touches attachments only of documents they may
/// hold. A document that does not exist is refused like a foreign one, so
/// a user cannot learn which ids exist.
extension CHTUserMedicPeer: DocumentDatabase {
    /// The document, when the user may hold it; `forbidden` otherwise.
    public func get(_ id: String, options: GetOptions) async throws -> JSON {
        guard try await allowedIDs().contains(id) else { throw Self.refusal }
        return try await medic.get(id, options: options)
    }

    /// The asked revisions when the user may hold the document; none (an
    /// empty list) otherwise, as CHT answers `open_revs`.
    public func openRevisions(
        _ id: String, revisions: OpenRevisions, options: GetOptions
    ) async throws -> [OpenRevisionResult] {
        guard try await allowedIDs().contains(id) else { return [] }
        return try await medic.openRevisions(id, revisions: revisions, options: options)
    }

    @discardableResult
    public func put(_ doc: JSON) async throws -> WriteResult {
        try await authorizeWrite(doc)
        return try await medic.put(doc)
    }

    /// Writes a new document; one without `_id` gets a random one first,
    /// so that the rules can judge it.
    @discardableResult
    public func post(_ doc: JSON) async throws -> WriteResult {
        var document = doc
        if document["_id"] == nil { document["_id"] = .string(Self.newDocumentID()) }
        try await authorizeWrite(document)
        return try await medic.put(document)
    }

    @discardableResult
    public func remove(_ id: String, rev: RevisionID) async throws -> WriteResult {
        let tombstone: JSON = [
            "_id": .string(id), "_rev": .string(rev.description), "_deleted": true,
        ]
        try await authorizeWrite(tombstone)
        return try await medic.remove(id, rev: rev)
    }

    /// Throws `forbidden` unless the user may store `doc`.
    func authorizeWrite(_ doc: JSON) async throws {
        let verdicts = try await service.allowedWrites([doc], for: user)
        guard verdicts.first == true else { throw Self.refusal }
    }

    /// Throws `forbidden` unless the user holds the document `id` and may
    /// change it: the rule for changing one of its attachments.
    func authorizeAttachmentChange(of id: String) async throws {
        guard try await allowedIDs().contains(id) else { throw Self.refusal }
        try await authorizeWrite(try await medic.get(id))
    }

    /// 32 random lowercase hexadecimal digits, as CouchDB generates ids.
    static func newDocumentID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte, radix: 16).leftPadded(to: 2)
        }.joined()
    }
}

extension CHTUserMedicPeer {
    @discardableResult
    public func putAttachment(
        docID: String, name: String, rev: RevisionID?, data: Data, contentType: String
    ) async throws -> WriteResult {
        try await authorizeAttachmentChange(of: docID)
        return try await medic.putAttachment(
            docID: docID, name: name, rev: rev, data: data, contentType: contentType)
    }

    public func getAttachment(
        docID: String, name: String, rev: RevisionID?
    ) async throws -> AttachmentData {
        guard try await allowedIDs().contains(docID) else { throw Self.refusal }
        return try await medic.getAttachment(docID: docID, name: name, rev: rev)
    }

    @discardableResult
    public func removeAttachment(
        docID: String, name: String, rev: RevisionID
    ) async throws -> WriteResult {
        try await authorizeAttachmentChange(of: docID)
        return try await medic.removeAttachment(docID: docID, name: name, rev: rev)
    }

    /// Refused: CHT keeps `_find` for online users.
    public func find(_ query: FindQuery) async throws -> FindResponse {
        throw Self.firewall
    }

    /// Refused: CHT keeps `_index` for online users.
    @discardableResult
    public func createIndex(_ index: IndexDefinition) async throws -> CreateIndexResult {
        throw Self.firewall
    }

    /// Refused: CHT keeps `_index` for online users.
    public func indexes() async throws -> [IndexInfo] {
        throw Self.firewall
    }

    /// Refused: CHT keeps `_index` for online users.
    public func deleteIndex(ddoc: String, name: String) async throws {
        throw Self.firewall
    }

    public func removeLocalDocument(_ id: String, rev: RevisionID) async throws {
        try await medic.removeLocalDocument(id, rev: rev)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(width - count, 0)) + self
    }
}
