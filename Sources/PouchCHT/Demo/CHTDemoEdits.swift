import Foundation
import Pouch

/// The edits a health worker makes offline in the demo: a person's phone
/// number, a new report about that person, a read marker and a feedback
/// document in the meta database.
struct CHTDemoEdits: Sendable {
    let medic: Database
    let meta: Database
    let user: CHTGeneratedUser
    private(set) var personID = ""
    /// The revision the person had when both sides started editing.
    private(set) var baseRev = ""
    /// The revision of the offline edit.
    private(set) var personRev = ""
    private(set) var reportID = ""

    init(medic: Database, meta: Database, user: CHTGeneratedUser) {
        self.medic = medic
        self.meta = meta
        self.user = user
    }

    /// Makes every offline edit and answers the edits with their ids.
    func make() async throws -> CHTDemoEdits {
        var edits = self
        let person = try await firstPerson()
        edits.personID = person["_id"]?.stringValue ?? ""
        edits.baseRev = person["_rev"]?.stringValue ?? ""
        var edited = person
        edited["phone"] = "+254700000001"
        edited["notes"] = .string("Phone updated offline by \(user.name)")
        edits.personRev = try await medic.put(edited).rev.description
        edits.reportID = try await writeReport(about: person)
        try await writeMeta(reportID: edits.reportID)
        return edits
    }

    /// The administrator's edit of the same person on the server, from the
    /// same base revision: a conflict once the offline edit arrives.
    func editOnServer(_ server: any DocumentDatabase) async throws -> String {
        var person = try await server.get(personID)
        guard person["_rev"]?.stringValue == baseRev else {
            throw PouchError.conflict("the server's \(personID) moved on before the demo edit")
        }
        person["phone"] = "+254711111111"
        person["notes"] = "Phone corrected at the health centre"
        return try await server.put(person).rev.description
    }

    /// The first person the user holds, other than the user's own contact.
    private func firstPerson() async throws -> JSON {
        var options = AllDocsOptions()
        options.includeDocs = true
        let rows = try await medic.allDocs(options).rows
        let people = rows.compactMap(\.doc).filter {
            $0["type"]?.stringValue == "person" && $0["_id"]?.stringValue != user.contactID
        }
        guard let person = people.first else {
            throw PouchError.notFound("no person in \(user.name)'s documents")
        }
        return person
    }

    private func writeReport(about person: JSON) async throws -> String {
        let id = person["_id"]?.stringValue ?? ""
        let report: JSON = [
            "_id": .string(UUID().uuidString.lowercased()), "type": "data_record",
            "form": "pregnancy_home_visit", "content_type": "xml",
            "reported_date": .int(Int64(Date().timeIntervalSince1970 * 1000)),
            "contact": ["_id": .string(user.contactID), "parent": ["_id": .string(user.facilityID)]],
            "fields": [
                "patient_id": person["patient_id"] ?? .string(id), "patient_uuid": .string(id),
                "patient_name": person["name"] ?? "",
            ],
        ]
        return try await medic.put(report).id
    }

    private func writeMeta(reportID: String) async throws {
        _ = try await meta.put(["_id": .string("read:report:" + reportID), "type": "read"])
        let now = ISO8601DateFormatter().string(from: Date())
        let feedback: JSON = [
            "_id": .string("feedback-\(now)-\(UUID().uuidString.lowercased())"),
            "type": "feedback",
            "meta": ["time": .string(now), "user": ["name": .string(user.name)], "source": "manual"],
            "info": ["message": "Demo feedback: the new visit form loads slowly"],
        ]
        _ = try await meta.put(feedback)
    }
}
