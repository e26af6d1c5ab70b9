import Foundation
import Testing

@testable import Pouch

/// A replicated document read from its JSON text: the same document the
/// parsed form gives, its body stored as the text of its members, and the
/// same texts refused as the JSON parser refuses.
@Suite struct IncomingDocumentTextTests {
    static func incoming(_ text: String) throws -> IncomingDocument {
        try IncomingDocument(text: Array(text.utf8))
    }

    @Test func specialMembersAreReadAndTheBodyKeepsItsOrder() throws {
        let text =
            #"{"_id":"a","b":{"c":[1,2.5,null]},"_rev":"2-y","d":"é\n","#
            + #""_revisions":{"start":2,"ids":["y","x"]},"_deleted":true}"#
        let doc = try Self.incoming(text)

        #expect(doc.id == "a")
        #expect(doc.rev == RevisionID(generation: 2, hash: "y"))
        #expect(doc.revisions == [RevisionID("2-y")!, RevisionID("1-x")!])
        #expect(doc.isDeleted)
        #expect(
            String(decoding: doc.bodyBytes, as: UTF8.self) == #"{"b":{"c":[1,2.5,null]},"d":"é\n"}"#
        )
    }

    @Test func valuesKeepTheirTextAndKeysAreWrittenAgain() throws {
        let doc = try Self.incoming(#"{ "_id" : "a" , "k\"ey" : [ 1 , 2 ] , "n" : 1e2 }"#)

        #expect(String(decoding: doc.bodyBytes, as: UTF8.self) == #"{"k\"ey":[ 1 , 2 ],"n":1e2}"#)
        // The stored text means what the parsed body means.
        #expect(try JSON(parsing: doc.bodyBytes) == ["k\"ey": [1, 2], "n": 100.0])
    }

    @Test(arguments: [
        #"{"_id":"a"}"#,
        #"{"_id":"a","v":{"deep":[{"x":[]},{}],"e":"\u00e9\ud83d\ude00\"\\\/"}}"#,
        #"{"_id":"_design/d","views":{},"_attachments":{"f":{"stub":true,"digest":"md5-x","revpos":1}}}"#,
        #"{"_id":"_local/l","_rev":"0-3","v":-0.5e-3}"#,
        #"{"v":true,"w":false,"_conflicts":["1-a"]}"#,
        #"{"\u005fid":"escaped","k\u00e9y":"é","":0}"#,
    ])
    func readsWhatTheParsedFormReads(text: String) throws {
        let fromText = try Self.incoming(text)
        var fromJSON = try IncomingDocument(JSON(parsing: text))
        fromJSON.prepare(hashing: false)

        #expect(fromText.id == fromJSON.id)
        #expect(fromText.rev == fromJSON.rev)
        #expect(fromText.localRev == fromJSON.localRev)
        #expect(fromText.isDeleted == fromJSON.isDeleted)
        #expect(fromText.revisions == fromJSON.revisions)
        #expect(fromText.attachments?.count == fromJSON.attachments?.count)
        #expect(try JSON(parsing: fromText.bodyBytes) == JSON(parsing: fromJSON.bodyBytes))
    }

    @Test(arguments: [
        #"{"_id":"a","v":[1,]}"#, #"{"_id":"a","v":"\x"}"#, #"{"_id":"a","v":"\ud800"}"#,
        "{\"_id\":\"a\",\"v\":\"tab\there\"}", #"{"_id":"a","v":01}"#, #"{"_id":"a","v":1.}"#,
        #"{"_id":"a","v":-}"#, #"{"_id":"a","v":1e}"#, #"{"_id":"a","v":1e400}"#,
        #"{"_id":"a","v":tru}"#, #"{"_id":"a","v":"open}"#, #"{"_id":"a","v":1} x"#,
        #"{"_id":"a","v":1,}"#, #"{"_id":"a" "v":1}"#, #"{"_id":"a","v"}"#, #"{"_id":"a","#,
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func refusesWhatTheParserRefuses(text: String) {
        let body = text.hasPrefix("[") ? #"{"_id":"a","v":\#(text)}"# : text
        #expect(throws: JSONParseError.self) { try JSON(parsing: body) }
        #expect(throws: PouchError.self) { try Self.incoming(body) }
    }

    @Test func invalidUTF8InAStringIsRefused() {
        var bytes = Array(#"{"_id":"a","v":"x"#.utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSON(parsing: bytes) }
        #expect(throws: PouchError.self) { try IncomingDocument(text: bytes) }
    }

    @Test func aTextThatIsNotAnObjectIsNotADocument() {
        #expect(throws: PouchError.badRequest("Document must be a JSON object")) {
            try Self.incoming("[1]")
        }
    }

    @Test func anUnknownSpecialMemberIsRefusedAsCouchDBDoes() {
        #expect(throws: PouchError.docValidation("Bad special document member: _foo")) {
            try Self.incoming(#"{"_id":"a","_foo":1}"#)
        }
    }
}
