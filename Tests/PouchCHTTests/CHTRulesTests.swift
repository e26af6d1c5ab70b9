import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTRulesTests {
    @Test func metaDatabaseNameOfAPlainName() {
        #expect(CHTRules.metaDatabaseName(for: "alice") == "medic-user-alice-meta")
        #expect(
            CHTRules.metaDatabaseName(for: "chw_1-a$(b)+c/d") == "medic-user-chw_1-a$(b)+c/d-meta")
    }

    @Test func metaDatabaseNameEscapesUpperCaseDotsAndOtherCharacters() {
        // B = 66, . = 46, S = 83 in decimal character codes.
        #expect(CHTRules.metaDatabaseName(for: "Bob.Smith") == "medic-user-(66)ob(46)(83)mith-meta")
        // @ = 64, space = 32, é = 233 (one UTF-16 unit).
        #expect(CHTRules.metaDatabaseName(for: "a@b c") == "medic-user-a(64)b(32)c-meta")
        #expect(CHTRules.metaDatabaseName(for: "é") == "medic-user-(233)-meta")
        // A character outside the BMP is two UTF-16 units, as JavaScript's
        // charCodeAt sees it: U+1F600 = D83D DE00 = 55357 56832.
        #expect(CHTRules.metaDatabaseName(for: "\u{1F600}") == "medic-user-(55357)(56832)-meta")
    }

    @Test func uploadFilterSkipsServerOwnedDocumentsAndPurgeTombstones() {
        let skipped: [JSON] = [
            ["_id": "_design/medic-client"], ["_id": "settings"], ["_id": "resources"],
            ["_id": "branding"], ["_id": "partners"], ["_id": "service-worker-meta"],
            ["_id": "zscore-charts"], ["_id": "form:pregnancy", "type": "form"],
            ["_id": "messages-en", "type": "translations"],
            ["_id": "abc", "_rev": "2-x", "_deleted": true, "purged": true],
        ]
        for document in skipped {
            #expect(!CHTRules.shouldUpload(document), "\(document)")
        }
        let uploaded: [JSON] = [
            ["_id": "abc", "type": "person"],
            ["_id": "r1", "type": "data_record", "form": "pregnancy"],
            ["_id": "abc", "_rev": "2-x", "_deleted": true],
            ["_id": "org.couchdb.user:alice", "type": "user-settings"],
            ["_id": "settings-backup", "type": "note"],
        ]
        for document in uploaded {
            #expect(CHTRules.shouldUpload(document), "\(document)")
        }
    }

    @Test func purgeTombstoneHasTheDocumentedShape() {
        let tombstone = CHTRules.purgeTombstone(id: "x", rev: "2-abc")
        #expect(tombstone == ["_id": "x", "_rev": "2-abc", "_deleted": true, "purged": true])
        #expect(CHTRules.isPurgeTombstone(tombstone))
    }

    @Test func metaCleanupRemovesOnlyFeedbackAndTelemetryTheServerHolds() {
        let local: [JSON] = [
            ["_id": "feedback-1", "_rev": "1-a", "type": "feedback"],
            ["_id": "feedback-2", "_rev": "1-b", "type": "feedback"],
            ["_id": "telemetry-2024-3-1-alice", "_rev": "2-c", "type": "telemetry"],
            ["_id": "telemetry-2024-3-2-alice", "_rev": "3-d", "type": "telemetry"],
            ["_id": "read:report:r1", "_rev": "1-e"],
        ]
        let server = [
            "feedback-1": "1-a", "telemetry-2024-3-1-alice": "2-c",
            "telemetry-2024-3-2-alice": "2-old", "read:report:r1": "1-e",
        ]
        // feedback-2 has not reached the server; the newer telemetry
        // revision has not either; read markers stay.
        let removed = CHTRules.metaDocumentsToRemove(local: local, serverRevisions: server)
        #expect(removed == ["feedback-1", "telemetry-2024-3-1-alice"])
    }
}

@Suite struct CHTMetaDatabaseURLTests {
    @Test func slashAndPlusArePercentEncodedInTheURL() {
        let server = URL(string: "http://127.0.0.1:5988/")!
        let url = CHTSync.metaDatabaseURL(server: server, username: "a/b+C")
        // C = 67; / and + are legal in the name but not as themselves in a path.
        #expect(url.absoluteString == "http://127.0.0.1:5988/medic-user-a%2Fb%2B(67)-meta")
        let plain = CHTSync.metaDatabaseURL(server: server, username: "alice")
        #expect(plain.absoluteString == "http://127.0.0.1:5988/medic-user-alice-meta")
    }
}
