import Foundation
import Pouch
import Testing

@testable import PouchCHT

/// The demo's seeding from archives that hold no users.
@Suite struct CHTDemoTests {
    @Test func archiveWithoutUsersGetsOneChwPerHealthCentre() {
        let documents: [JSON] = [
            ["_id": "hc-empty", "type": "health_center", "parent": ["_id": "dh"]],
            ["_id": "hc-busy", "type": "health_center", "parent": ["_id": "dh"]],
            [
                "_id": "clinic", "type": "clinic",
                "parent": ["_id": "hc-busy", "parent": ["_id": "dh"]],
            ],
            [
                "_id": "p1", "type": "person",
                "parent": [
                    "_id": "clinic", "parent": ["_id": "hc-busy", "parent": ["_id": "dh"]],
                ],
            ],
        ]
        let data = CHTDemo.dataSet(withUsersFor: documents)
        #expect(data.users.map(\.facilityID) == ["hc-empty", "hc-busy"])
        #expect(data.users.map(\.name) == ["chw_1", "chw_2"])
        // The empty centre has no person, so its own id stands in.
        #expect(data.users.map(\.contactID) == ["hc-empty", "p1"])
        let settings = data.documents.suffix(2)
        #expect(settings.map { $0["_id"] } == ["org.couchdb.user:chw_1", "org.couchdb.user:chw_2"])
        #expect(settings.last?["facility_id"] == "hc-busy")
        #expect(settings.last?["contact_id"] == "p1")
        #expect(data.documents.count == 6)
    }
}
