import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTWriteAuthorizationTests {
    static let documents: [JSON] = [
        ["_id": "HC1", "type": "health_center", "parent": ["_id": "D1"]],
        ["_id": "HC2", "type": "health_center", "parent": ["_id": "D1"]],
        ["_id": "P1", "type": "person", "parent": ["_id": "HC1", "parent": ["_id": "D1"]]],
        ["_id": "P2", "type": "person", "parent": ["_id": "HC2", "parent": ["_id": "D1"]]],
        ["_id": "settings", "settings": [:]],
    ]
    static let user = CHTUserContext(name: "chw1", facilityID: "HC1", contactID: "P1")

    func allowed(_ batch: [JSON]) -> [Bool] {
        var stored: [String: JSON] = [:]
        for document in Self.documents { stored[document["_id"]!.stringValue!] = document }
        let relevant = stored.filter { id, _ in batch.contains { $0["_id"] == .string(id) } }
        return CHTWriteAuthorization.allowedWrites(
            batch, stored: relevant, index: CHTAccessIndex(documents: Self.documents),
            user: Self.user)
    }

    @Test func newContactAndAReportAboutItInOneBatchAreAllowed() {
        let batch: [JSON] = [
            ["_id": "R1", "type": "data_record", "form": "f", "fields": ["patient_uuid": "NEW"]],
            ["_id": "NEW", "type": "person", "parent": ["_id": "HC1", "parent": ["_id": "D1"]]],
        ]
        #expect(allowed(batch) == [true, true])
    }

    @Test func writesOutsideTheFacilityAreForbidden() {
        let batch: [JSON] = [
            ["_id": "NEW2", "type": "person", "parent": ["_id": "HC2", "parent": ["_id": "D1"]]],
            ["_id": "R2", "type": "data_record", "form": "f", "fields": ["patient_uuid": "P2"]],
            // Editing a contact the user cannot see, even moving it in.
            ["_id": "P2", "type": "person", "parent": ["_id": "HC1", "parent": ["_id": "D1"]]],
        ]
        #expect(allowed(batch) == [false, false, false])
    }

    @Test func adminDocumentsAndOtherUsersSettingsAreForbidden() {
        let batch: [JSON] = [
            ["_id": "settings", "settings": ["x": 1]],
            ["_id": "form:new", "type": "form"],
            ["_id": "messages-xx", "type": "translations"],
            ["_id": "_design/medic-client", "views": [:]],
            ["_id": "org.couchdb.user:other", "type": "user-settings", "name": "other"],
            ["_id": "org.couchdb.user:chw1", "type": "user-settings", "name": "chw1"],
        ]
        #expect(allowed(batch) == [false, false, false, false, false, true])
    }

    @Test func feedbackIsAlwaysAcceptedAndUnknownTypesAreNot() {
        let batch: [JSON] = [
            ["_id": "feedback-1", "type": "feedback", "info": ["message": "x"]],
            ["_id": "thing", "type": "unknown_kind"],
        ]
        #expect(allowed(batch) == [true, false])
    }

    @Test func deletionsFollowTheStoredDocument() {
        let batch: [JSON] = [
            ["_id": "P1", "_rev": "1-a", "_deleted": true],
            ["_id": "P2", "_rev": "1-b", "_deleted": true],
            // Everyone holds settings, but only an admin may delete it.
            ["_id": "settings", "_rev": "1-c", "_deleted": true],
        ]
        #expect(allowed(batch) == [true, false, false])
    }
}

@Suite struct CHTGetIDsResponseTests {
    @Test func warnsAtTheLimitCountingNoTasks() {
        let rows =
            (0..<5).map { CHTDocumentRevision(id: "d\($0)", rev: "1-a") }
            + [CHTDocumentRevision(id: "task~x", rev: "1-b")]
        let under = CHTGetIDsResponse(documents: rows, lastSeq: 9, limit: 6)
        #expect(under.warnDocs == 5)
        #expect(!under.warn)
        let at = CHTGetIDsResponse(documents: rows, lastSeq: 9, limit: 5)
        #expect(at.warn)
    }

    @Test func jsonHasCHTsMembersAndReadsBack() throws {
        let response = CHTGetIDsResponse(
            documents: [CHTDocumentRevision(id: "a", rev: "1-x")], lastSeq: "3-g")
        let expected: JSON = [
            "doc_ids_revs": [["id": "a", "rev": "1-x"]], "warn_docs": 1, "last_seq": "3-g",
            "warn": false, "limit": 10000,
        ]
        #expect(response.json == expected)
        #expect(try CHTGetIDsResponse(json: expected) == response)
        #expect(throws: PouchError.self) { try CHTGetIDsResponse(json: ["warn": false]) }
    }
}
