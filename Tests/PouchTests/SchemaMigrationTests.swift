import Foundation
import TestSupport
import Testing

@testable import Pouch

/// A file written by schema version 2 (every revision in `revs`, keyed by
/// an integer document key) opens under the current schema with every
/// document, revision, conflict, deletion, attachment and index entry
/// where it was.
@Suite struct SchemaMigrationTests {
    /// The version 2 file: three documents, written as version 2 did.
    ///
    /// - `a`: `1-a1` (body compacted away) with two children, `2-b2` and
    ///   `2-c3`; `2-c3` wins (same generation, greater hash).
    /// - `d`: `1-d1`, then deleted by `2-d2`.
    /// - `t`: `1-t1` with the 5-byte attachment `greeting.txt` ("hello").
    static func writeVersion2(at path: String) throws {
        let connection = try Connection(location: path)
        try connection.execute(Schema.migrations[0])
        try connection.execute(Schema.migrations[1])
        try connection.execute(
            """
            PRAGMA user_version = 2;
            UPDATE meta SET value = 5 WHERE key = 'update_seq';
            UPDATE meta SET value = 2 WHERE key = 'doc_count';
            UPDATE meta SET value = 1 WHERE key = 'doc_del_count';
            INSERT INTO attachments (digest, length, data)
                VALUES ('md5-XUFAKrxLKna5cZ2REBfFkg==', 5, X'68656c6c6f');
            INSERT INTO revs (doc, rev, deleted, body, atts) VALUES
                (1, '1-a1', 0, NULL, NULL),
                (1, '2-b2', 0, '{"v":"b"}', NULL),
                (1, '2-c3', 0, '{"v":"c"}', NULL),
                (2, '1-d1', 0, '{"x":1}', NULL),
                (2, '2-d2', 1, '{}', NULL),
                (3, '1-t1', 0, '{"kind":"note"}', '{"greeting.txt":{"content_type":"text/plain",'
                    || '"revpos":1,"digest":"md5-XUFAKrxLKna5cZ2REBfFkg==","length":5}}');
            INSERT INTO mango_entries (idx, key, doc) VALUES (7, 'an entry of a', 1);
            """)
        let rows: [(Int64, String, Int64, String, Bool, [(String, String?, Bool)])] = [
            (
                1, "a", 3, "2-c3", false,
                [
                    ("1-a1", nil, false), ("2-b2", "1-a1", false),
                    ("2-c3", "1-a1", false),
                ]
            ),
            (2, "d", 4, "2-d2", true, [("1-d1", nil, false), ("2-d2", "1-d1", true)]),
            (3, "t", 5, "1-t1", false, [("1-t1", nil, false)]),
        ]
        let insert = try connection.statement(
            "INSERT INTO docs (doc, id, seq, winner, deleted, tree) VALUES (?, ?, ?, ?, ?, ?)")
        for (key, id, seq, winner, deleted, revisions) in rows {
            var tree = RevisionTree()
            for (rev, parent, isDeleted) in revisions {
                tree.insert(
                    RevisionID(rev)!, parent: parent.flatMap { RevisionID($0) },
                    isDeleted: isDeleted)
            }
            try insert.bind(1, key)
            try insert.bind(2, id)
            try insert.bind(3, seq)
            try insert.bind(4, winner)
            try insert.bind(5, deleted)
            try insert.bind(6, blob: tree.encoded())
            try insert.run()
        }
    }

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-migration-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func version2FileOpensWithEverythingInPlace() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("v2.sqlite").path
        try Self.writeVersion2(at: path)
        let db = try Database(path: path)

        let info = try await db.info()
        #expect(info.docCount == 2)
        #expect(info.docDelCount == 1)
        #expect(sequencePosition(info.updateSeq) == 5)

        let a = try await db.get("a", options: GetOptions(conflicts: true))
        #expect(a["_rev"] == "2-c3")
        #expect(a["v"] == "c")
        #expect(a["_conflicts"] == ["2-b2"])
        #expect(try await db.get("a", options: GetOptions(rev: RevisionID("2-b2")))["v"] == "b")
        await #expect(throws: PouchError.self) {
            try await db.get("a", options: GetOptions(rev: RevisionID("1-a1")))
        }

        await #expect(throws: PouchError.self) { try await db.get("d") }
        #expect(try await db.get("d", options: GetOptions(rev: RevisionID("1-d1")))["x"] == 1)

        let greeting = try await db.getAttachment(docID: "t", name: "greeting.txt", rev: nil)
        #expect(greeting.data == Data("hello".utf8))
        #expect(greeting.digest == "md5-XUFAKrxLKna5cZ2REBfFkg==")

        let changes = try await db.changes(ChangesOptions())
        #expect(changes.results.map(\.id) == ["a", "d", "t"])
        #expect(changes.results.map { sequencePosition($0.seq) } == [3, 4, 5])
        #expect(changes.results.map(\.isDeleted) == [false, true, false])
    }

    @Test func version2IndexEntriesFollowTheirDocument() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("v2.sqlite").path
        try Self.writeVersion2(at: path)
        _ = try Database(path: path)
        let connection = try Connection(location: path)
        let statement = try connection.statement("SELECT idx, key, id FROM mango_entries")
        #expect(try statement.step())
        #expect(statement.int64(0) == 7)
        #expect(statement.string(1) == "an entry of a")
        #expect(statement.string(2) == "a")
        #expect(try !statement.step())
        statement.reset()
    }

    /// After migrating, the winner moves between tables as the document is
    /// edited: deleting the winner `2-c3` makes `2-b2` win (the only live
    /// leaf left), and the body it had in version 2 is the one served.
    @Test func migratedDocumentsTakeNewEdits() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("v2.sqlite").path
        try Self.writeVersion2(at: path)
        let db = try Database(path: path)

        let removed = try await db.remove("a", rev: RevisionID("2-c3")!)
        #expect(removed.rev.generation == 3)
        let a = try await db.get("a", options: GetOptions(deletedConflicts: true))
        #expect(a["_rev"] == "2-b2")
        #expect(a["v"] == "b")
        #expect(a["_deleted_conflicts"] == .array([.string(removed.rev.description)]))

        let revived = try await db.put(["_id": "d", "x": 2])
        #expect(revived.rev.generation == 3)
        #expect(try await db.get("d")["x"] == 2)

        try await db.compact()
        #expect(try await db.integrityCheck() == ["ok"])
        let greeting = try await db.getAttachment(docID: "t", name: "greeting.txt", rev: nil)
        #expect(greeting.data == Data("hello".utf8))
        #expect(try await db.info().docCount == 3)
    }
}
