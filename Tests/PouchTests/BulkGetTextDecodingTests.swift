import Foundation
import Testing

@testable import Pouch

/// A `_bulk_get` answer read for a local target keeps each document as its
/// bytes; the revisions and errors are those the parsed reading gives.
@Suite struct BulkGetTextDecodingTests {
    /// CouchDB 3.5's answer in the conformance scenario API-11, with a row
    /// whose members come in the other order and a member CouchDB does not
    /// send.
    static let answer =
        #"{"results":[{"id":"a","docs":[{"ok":{"_id":"a","_rev":"2-a2","v":"a","#
        + #""_revisions":{"start":2,"ids":["a2","a1"]}}}]},"#
        + #"{"docs":[{"error":{"id":"nope","rev":"undefined","error":"not_found","#
        + #""reason":"missing"}}],"id":"nope","extra":[1,{"x":null}]},"#
        + #"{"id":"c","docs":[{"ok":{"_id":"c","_rev":"1-c1","v":"c1"}},"#
        + #"{"ok":{"_id":"c","_rev":"1-c2","v":"c2"}}]}]}"#

    @Test func documentsAreTheirBytesAndErrorsAreParsed() throws {
        let revisions = try RemoteDecoding.bulkGetText(Array(Self.answer.utf8))

        let docA = #"{"_id":"a","_rev":"2-a2","v":"a","_revisions":{"start":2,"ids":["a2","a1"]}}"#
        #expect(
            revisions == [
                .found(.text(id: "a", bytes: Array(docA.utf8))),
                .failed(id: "nope", rev: "undefined", error: .notFound("missing")),
                .found(.text(id: "c", bytes: Array(#"{"_id":"c","_rev":"1-c1","v":"c1"}"#.utf8))),
                .found(.text(id: "c", bytes: Array(#"{"_id":"c","_rev":"1-c2","v":"c2"}"#.utf8))),
            ])
    }

    @Test func theParsedReadingAgrees() throws {
        let texts = try RemoteDecoding.bulkGetText(Array(Self.answer.utf8))
        let parsed = try RemoteDecoding.bulkGet(JSON(parsing: Self.answer))

        let expected = parsed.flatMap(\.replicatedRevisions)
        #expect(texts.count == expected.count)
        for (text, json) in zip(texts, expected) {
            switch (text, json) {
            case (.found(let doc), .found(let parsedDoc)):
                #expect(try doc.parsed() == parsedDoc.parsed())
            default:
                #expect(text == json)
            }
        }
    }

    @Test(arguments: [
        #"{"results":[{"id":"a","docs":[{"ok":{"v":01}}]}]}"#, #"{"results":["#, "[]",
    ])
    func anAnswerThatIsNotJSONOrHasNoResultsIsABadResponse(text: String) {
        #expect(throws: PouchError.self) { try RemoteDecoding.bulkGetText(Array(text.utf8)) }
    }
}
