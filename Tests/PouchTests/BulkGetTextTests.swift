import Foundation
import Pouch
import TestSupport
import Testing

/// A local database answers a replication's bulk get with the JSON text of
/// each revision, made around the stored body: the very text the parsed
/// bulk get serialises to, members in the same order.
@Suite struct BulkGetTextTests {
    /// A database holding one document of each kind a replication moves,
    /// and the revisions to ask for, with their `atts_since`.
    struct Seeded {
        let db: Database
        let requests: [BulkGetRequest]
        let plainRev: RevisionID
    }

    static func seeded() async throws -> Seeded {
        let db = try Database.inMemory(name: "text-\(UUID().uuidString)")
        var requests: [BulkGetRequest] = []
        let plain: JSON = [
            "_id": "plain", "n": 1, "s": "é ✓ \"q\"\n",
            "nested": ["a": [1, 2.5, true, .null]],
        ]
        let plainRev = try await db.put(plain).rev
        requests.append(BulkGetRequest(id: "plain", rev: plainRev))
        requests.append(BulkGetRequest(id: "empty", rev: try await db.put(["_id": "empty"]).rev))

        var edited = try await db.put(["_id": "edited", "v": 1]).rev
        for value in 2...3 {
            edited = try await db.put([
                "_id": "edited", "_rev": .string("\(edited)"), "v": .int(Int64(value)),
            ]).rev
        }
        requests.append(BulkGetRequest(id: "edited", rev: edited))

        let gone = try await db.put(["_id": "gone", "v": 1]).rev
        requests.append(BulkGetRequest(id: "gone", rev: try await db.remove("gone", rev: gone).rev))

        requests += try await conflicted(in: db)
        requests += try await attached(in: db)
        return Seeded(db: db, requests: requests, plainRev: plainRev)
    }

    /// Two leaves of generation 2: both asked, so one is not the winner.
    static func conflicted(in db: Database) async throws -> [BulkGetRequest] {
        let first = try await db.put(["_id": "conflicted", "v": 1]).rev
        let mine = try await db.put(["_id": "conflicted", "_rev": .string("\(first)"), "v": 2]).rev
        let theirs: JSON = [
            "_id": "conflicted", "_rev": "2-ffff", "v": "theirs",
            "_revisions": ["start": 2, "ids": ["ffff", .string(first.hash)]],
        ]
        _ = try await db.bulkDocs([theirs], newEdits: false)
        return [
            BulkGetRequest(id: "conflicted", rev: mine),
            BulkGetRequest(id: "conflicted", rev: RevisionID(generation: 2, hash: "ffff")),
        ]
    }

    /// An attachment added at generation 1: inline when nothing is known
    /// of the document, a stub with `atts_since` naming its revision.
    static func attached(in db: Database) async throws -> [BulkGetRequest] {
        let added = try await db.putAttachment(
            docID: "attached", name: "a.txt", rev: nil, data: Data("hello".utf8),
            contentType: "text/plain")
        var doc = try await db.get("attached")
        doc["title"] = "edited"
        let edited = try await db.put(doc).rev
        return [
            BulkGetRequest(id: "attached", rev: edited),
            BulkGetRequest(id: "attached", rev: edited, attsSince: [added.rev]),
        ]
    }

    static let options = BulkGetOptions(revs: true, attachments: true)

    @Test func eachRevisionIsTheTextOfTheParsedAnswer() async throws {
        let seeded = try await Self.seeded()
        let texts = try await seeded.db.bulkGetForReplication(
            seeded.requests, options: Self.options, asText: true)
        let parsed = try await seeded.db.bulkGet(seeded.requests, options: Self.options)

        #expect(texts.count == seeded.requests.count)
        for (index, result) in parsed.enumerated() {
            guard case .ok(let doc) = result.docs.first,
                case .found(.text(let id, let bytes)) = texts[index]
            else {
                Issue.record("\(seeded.requests[index].id): \(texts[index])")
                continue
            }
            #expect(id == seeded.requests[index].id)
            // Byte for byte: the same members in the same order.
            #expect(String(decoding: bytes, as: UTF8.self) == doc.serialized())
        }
    }

    @Test func aDocumentsTextIsCouchDBsBulkGetDocument() async throws {
        let seeded = try await Self.seeded()
        let texts = try await seeded.db.bulkGetForReplication(
            [BulkGetRequest(id: "plain", rev: seeded.plainRev)], options: Self.options,
            asText: true)

        // CouchDB's order: _id, _rev, the body as written, _revisions.
        let rev = seeded.plainRev
        let expected =
            #"{"_id":"plain","_rev":"\#(rev)","n":1,"s":"é ✓ \"q\"\n","#
            + #""nested":{"a":[1,2.5,true,null]},"#
            + #""_revisions":{"start":1,"ids":["\#(rev.hash)"]}}"#
        #expect(texts == [.found(.text(id: "plain", bytes: Array(expected.utf8)))])
    }

    @Test func deletionsAndAttachmentsKeepTheirMembers() async throws {
        let seeded = try await Self.seeded()
        let texts = try await seeded.db.bulkGetForReplication(
            seeded.requests, options: Self.options, asText: true)
        let docs = try texts.map { revision -> JSON in
            guard case .found(let doc) = revision else { throw PouchError.notFound() }
            return try doc.parsed()
        }

        let gone = docs.first { $0["_id"] == "gone" }
        #expect(gone?["_deleted"] == true)
        #expect(gone?["_rev"]?.stringValue?.hasPrefix("2-") == true)
        let attached = docs.filter { $0["_id"] == "attached" }
        #expect(attached.count == 2)
        let hello = Data("hello".utf8).base64EncodedString()
        #expect(attached.first?["_attachments"]?["a.txt"]?["data"] == .string(hello))
        #expect(attached.last?["_attachments"]?["a.txt"]?["stub"] == true)
        #expect(attached.last?["title"] == "edited")
        let edited = docs.first { $0["_id"] == "edited" }
        #expect(edited?["_revisions"]?["ids"]?.arrayValue?.count == 3)
    }

    @Test func aMissingRevisionFailsAsTheParsedBulkGetDoes() async throws {
        let seeded = try await Self.seeded()
        let missing = [
            BulkGetRequest(id: "plain", rev: RevisionID(generation: 9, hash: "zz")),
            BulkGetRequest(id: "nope", rev: RevisionID(generation: 1, hash: "aa")),
        ]
        let texts = try await seeded.db.bulkGetForReplication(
            missing, options: Self.options, asText: true)

        // CouchDB's `_bulk_get` error rows for these: not_found, missing.
        #expect(
            texts == [
                .failed(id: "plain", rev: "9-zz", error: .notFound("missing")),
                .failed(id: "nope", rev: "1-aa", error: .notFound("missing")),
            ])
    }

    @Test func aRequestWithoutARevisionAnswersEveryLeafParsed() async throws {
        let seeded = try await Self.seeded()
        let texts = try await seeded.db.bulkGetForReplication(
            [BulkGetRequest(id: "conflicted")], options: Self.options, asText: true)

        let revs = texts.compactMap { revision -> String? in
            guard case .found(.json(let doc)) = revision else { return nil }
            return doc["_rev"]?.stringValue
        }
        #expect(revs.count == 2)
        #expect(revs.contains("2-ffff"))
    }

    @Test func withoutTextTheDocumentsAreParsed() async throws {
        let seeded = try await Self.seeded()
        let revisions = try await seeded.db.bulkGetForReplication(
            seeded.requests, options: Self.options, asText: false)
        let parsed = try await seeded.db.bulkGet(seeded.requests, options: Self.options)

        let expected = parsed.flatMap { result in
            result.docs.compactMap { item -> ReplicatedRevision? in
                guard case .ok(let doc) = item else { return nil }
                return .found(.json(doc))
            }
        }
        #expect(revisions == expected)
    }
}
