import CSQLite
import Foundation
import TestSupport
import Testing

@testable import Pouch

/// Attachment bodies written and read in chunks (incremental BLOB I/O):
/// bodies spanning several chunks come back byte for byte with the digest
/// CouchDB would give them, are stored once, and commit or roll back with
/// the revision that carries them.
@Suite struct AttachmentBodyTests {
    /// 2.5 MiB and 7 bytes: byte `i` is `(7i + i / 4096) mod 251`, a pattern
    /// that does not repeat on chunk or page boundaries.
    static let largeCount = 2_621_447
    /// The digest of `largeBody`, computed separately with Python:
    /// `base64(hashlib.md5(bytes((i*7 + i//4096) % 251 for i in
    /// range(2621447))).digest())`.
    static let largeDigest = "md5-cX7bMS/5SkOVdqJ/4bQKsA=="

    static func largeBody() -> Data {
        var bytes = [UInt8](repeating: 0, count: largeCount)
        for index in bytes.indices {
            let value: Int = (index * 7 + index / 4096) % 251
            bytes[index] = UInt8(value)
        }
        return Data(bytes)
    }

    @Test func bodyOfSeveralChunksReadsBackWithItsDigest() async throws {
        #expect(Self.largeCount > 2 * Connection.blobChunkSize)
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let body = Self.largeBody()
        try await db.putAttachment(
            docID: "big", name: "b.bin", rev: nil, data: body,
            contentType: "application/octet-stream")

        let read = try await db.getAttachment(docID: "big", name: "b.bin", rev: nil)
        #expect(read.data == body)
        #expect(read.digest == Self.largeDigest)
        let stub = try await db.get("big")["_attachments"]?["b.bin"]
        #expect(stub?["digest"] == .string(Self.largeDigest))
        #expect(stub?["length"] == .int(Int64(Self.largeCount)))
    }

    @Test func oneMillionLettersHaveTheKnownDigest() async throws {
        // MD5 of one million "a" is 7707d6ae4e027c70eea2a935c2296f21 (the
        // long test vector in many MD5 suites); CouchDB writes its base64.
        let temporary = try TemporaryDatabase()
        let body = Data(repeating: UInt8(ascii: "a"), count: 1_000_000)
        try await temporary.database.putAttachment(
            docID: "a", name: "a.txt", rev: nil, data: body, contentType: "text/plain")
        let read = try await temporary.database.getAttachment(docID: "a", name: "a.txt", rev: nil)
        #expect(read.digest == "md5-dwfWrk4CfHDuoqk1wilvIQ==")
        #expect(read.data == body)
    }

    @Test func sameLargeBodyIsStoredOnceAndOutlivesOneOwner() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let body = Self.largeBody()
        let one = try await db.putAttachment(
            docID: "one", name: "b.bin", rev: nil, data: body, contentType: "x/y")
        try await db.putAttachment(
            docID: "two", name: "copy.bin", rev: nil, data: body, contentType: "x/y")
        #expect(try await bodyCount(db) == 1)

        try await db.removeAttachment(docID: "one", name: "b.bin", rev: one.rev)
        try await db.compact()
        #expect(try await bodyCount(db) == 1)
        let read = try await db.getAttachment(docID: "two", name: "copy.bin", rev: nil)
        #expect(read.data == body)
        #expect(read.digest == Self.largeDigest)
    }

    @Test func bodyWrittenInAFailedTransactionIsRolledBack() async throws {
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        let body = Self.largeBody()
        await #expect(throws: PouchError.conflict()) {
            try await db.write { store in
                try store.write { () throws(PouchError) in
                    try store.saveAttachmentData(body, digest: Self.largeDigest, name: "b.bin")
                    throw PouchError.conflict()
                }
            }
        }
        #expect(try await bodyCount(db) == 0)
    }

    @Test func bodyOfADocumentRejectedInItsBatchIsRemovedByCompaction() async throws {
        // The second attachment is a stub with nothing to refer to, so the
        // document fails (missing_stub) after the first body was stored;
        // the batch commits, and compaction drops the unreferenced body.
        let temporary = try TemporaryDatabase()
        let db = temporary.database
        await #expect {
            try await db.put([
                "_id": "d",
                "_attachments": [
                    "a.bin": ["data": .string(Self.largeBody().base64EncodedString())],
                    "b.bin": ["stub": true],
                ],
            ])
        } throws: { ($0 as? PouchError)?.code == .missingStub }
        try await db.compact()
        #expect(try await bodyCount(db) == 0)
    }

    @Test func bodyOverSQLitesLengthLimitIsAttachmentTooLarge() async throws {
        // CouchDB answers a body over its size limit 413 attachment_too_large
        // with the attachment's name; here the limit is SQLite's, lowered.
        let db = try Database.inMemory(name: "limit")
        try await db.write { store in
            _ = sqlite3_limit(store.connection.handle, SQLITE_LIMIT_LENGTH, 1_000)
        }
        await #expect(throws: PouchError(.init("attachment_too_large"), "big.bin", status: 413)) {
            try await db.putAttachment(
                docID: "d", name: "big.bin", rev: nil, data: Data(count: 1_001),
                contentType: "application/octet-stream")
        }
        #expect(try await db.allDocs(AllDocsOptions()).rows.isEmpty)
    }

    @Test func emptyBodyRoundTrips() async throws {
        // MD5 of no bytes is d41d8cd98f00b204e9800998ecf8427e (RFC 1321).
        let temporary = try TemporaryDatabase()
        try await temporary.database.putAttachment(
            docID: "e", name: "empty", rev: nil, data: Data(), contentType: "text/plain")
        let read = try await temporary.database.getAttachment(docID: "e", name: "empty", rev: nil)
        #expect(read.data.isEmpty)
        #expect(read.digest == "md5-1B2M2Y8AsgTpgAmY7PhCfg==")
    }

    @Test func chunksSmallerThanTheBodyMeetAtTheirBoundaries() throws {
        // 23 bytes written 5 at a time and read 7 at a time.
        let connection = try Connection(location: ":memory:")
        try connection.execute("CREATE TABLE t (data BLOB NOT NULL)")
        try connection.execute("INSERT INTO t (data) VALUES (zeroblob(23))")
        let row = connection.lastInsertedRowID
        let bytes = (0..<23).map { UInt8($0 * 11) }
        try bytes.withUnsafeBytes { (raw) throws in
            try connection.writeBlob(raw, table: "t", column: "data", row: row, chunkSize: 5)
        }
        var read = [UInt8](repeating: 0, count: 23)
        try read.withUnsafeMutableBytes { (raw) throws in
            try connection.readBlob(into: raw, table: "t", column: "data", row: row, chunkSize: 7)
        }
        #expect(read == bytes)
        // Byte 5 (11 * 5 = 0x37) opens the second chunk, byte 22 (0xf2) ends it.
        let sql = "SELECT substr(data, 6, 1) = x'37' AND substr(data, 23, 1) = x'f2' FROM t"
        #expect(try connection.integer(sql) == 1)
    }

    @Test func aBufferOfTheWrongSizeIsAStorageError() throws {
        let connection = try Connection(location: ":memory:")
        try connection.execute("CREATE TABLE t (data BLOB NOT NULL)")
        try connection.execute("INSERT INTO t (data) VALUES (zeroblob(4))")
        let row = connection.lastInsertedRowID
        var read = [UInt8](repeating: 0, count: 5)
        #expect(throws: PouchError.self) {
            try read.withUnsafeMutableBytes { (raw) throws in
                try connection.readBlob(into: raw, table: "t", column: "data", row: row)
            }
        }
    }

    private func bodyCount(_ db: Database) async throws -> Int64 {
        try await db.read { store in
            try store.connection.integer("SELECT count(*) FROM attachments")
        }
    }
}
