import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct CHTDataGeneratorTests {
    static let tenThousand = CHTDataGenerator.generate(docs: 10_000, seed: 42)

    @Test func sameSeedGivesSameDocumentsAndOtherSeedsDiffer() {
        let first = CHTDataGenerator.generate(docs: 300, seed: 7)
        let second = CHTDataGenerator.generate(docs: 300, seed: 7)
        let other = CHTDataGenerator.generate(docs: 300, seed: 8)
        #expect(first.documents.map { $0.serialized() } == second.documents.map { $0.serialized() })
        #expect(first.users == second.users)
        #expect(ids(first.documents) != ids(other.documents))
    }

    @Test func tenThousandDocumentsHaveThePipelineMix() {
        let set = Self.tenThousand
        let counts = set.countsByType
        #expect(set.documents.count == 10_000)
        let total = Double(set.documents.count)
        let people = Double(counts["person"] ?? 0) / total
        let reports = Double(counts["data_record"] ?? 0) / total
        let places =
            ["clinic", "health_center", "district_hospital"]
            .map { Double(counts[$0] ?? 0) }.reduce(0, +) / total
        // The pipeline set: 8,820 / 1,448 / 190 of 10,462.
        #expect((0.82...0.86).contains(people))
        #expect((0.12...0.16).contains(reports))
        #expect((0.01...0.03).contains(places))
        #expect(Set(ids(set.documents)).count == set.documents.count)
    }

    @Test func sharedDocumentsAreAllThere() {
        let present = Set(ids(Self.tenThousand.documents))
        let expected: Set<String> = [
            "settings", "resources", "branding", "partners", "_design/medic-client",
            "messages-en", "form:pregnancy", "form:delivery",
        ]
        #expect(present.isSuperset(of: expected))
        let form = Self.tenThousand.documents.first { $0["_id"] == "form:pregnancy" }
        #expect(form?["type"] == "form")
        #expect(form?["_attachments"]?["xml"]?["content_type"] == "application/xml")
        let xml = form?["_attachments"]?["xml"]?["data"]?.stringValue
            .flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        #expect(xml?.contains("<pregnancy id=\"pregnancy\">") == true)
    }

    /// The members and JSON types of the samples in shared/cht/samples,
    /// written out by hand (the generator uses numbers for every
    /// `reported_date`, where the samples are messy).
    static let sampleShapes: [String: [String: String]] = [
        "district_hospital": [
            "_id": "string", "type": "string", "parent": "string", "name": "string",
            "is_name_generated": "string", "external_id": "string", "notes": "string",
            "geolocation": "string", "reported_date": "number",
        ],
        "health_center": [
            "_id": "string", "type": "string", "parent": "object", "name": "string",
            "is_name_generated": "string", "reported_date": "number",
        ],
        "clinic": [
            "_id": "string", "type": "string", "parent": "object", "name": "string",
            "reported_date": "number",
        ],
        "person": [
            "_id": "string", "type": "string", "parent": "object", "name": "string",
            "date_of_birth": "string", "sex": "string", "phone": "string",
            "patient_id": "string", "reported_date": "number",
        ],
        "data_record": [
            "_id": "string", "type": "string", "form": "string", "content_type": "string",
            "reported_date": "number", "contact": "object", "from": "string", "fields": "object",
        ],
        "user-settings": [
            "_id": "string", "name": "string", "type": "string", "roles": "array",
            "facility_id": "string", "contact_id": "string", "language": "string",
            "known": "boolean",
        ],
    ]

    @Test func documentsHaveTheSamplesMembersAndTypes() {
        var checked: [String: Int] = [:]
        for document in Self.tenThousand.documents {
            guard let type = document["type"]?.stringValue,
                let shape = Self.sampleShapes[type]
            else { continue }
            checked[type, default: 0] += 1
            for (key, typeName) in shape {
                #expect(document[key]?.typeName == typeName, "\(type).\(key) in \(document)")
            }
        }
        #expect(Set(checked.keys) == Set(Self.sampleShapes.keys))
    }

    @Test func personReportsNameTheirSubjectLikeTheSamples() {
        let documents = Self.tenThousand.documents
        let people = Dictionary(
            documents.filter { $0["type"] == "person" }.map { ($0["_id"]!.stringValue!, $0) },
            uniquingKeysWith: { first, _ in first })
        var about = (person: 0, place: 0, none: 0)
        for report in documents where report["type"] == "data_record" {
            let fields = report["fields"]
            if let uuid = fields?["patient_uuid"]?.stringValue {
                about.person += 1
                #expect(people[uuid]?["patient_id"] == report["patient_id"])
                #expect(fields?["patient_id"] == report["patient_id"])
                #expect(fields?["inputs"]?["contact"]?["_id"] == .string(uuid))
            } else if fields?["place_id"] != nil {
                about.place += 1
            } else {
                about.none += 1
            }
            #expect(fields?["meta"]?["instanceID"]?.stringValue?.hasPrefix("uuid:") == true)
            // Milliseconds: after 2001 when read as milliseconds.
            #expect((report["reported_date"]?.intValue ?? 0) > 1_000_000_000_000)
        }
        #expect(about.person > 0 && about.place > 0 && about.none > 0)
    }

    @Test func lineagesAreMinifiedAndPointAtExistingPlaces() {
        let documents = Self.tenThousand.documents
        let types = Dictionary(
            documents.map { ($0["_id"]!.stringValue!, $0["type"]?.stringValue ?? "") },
            uniquingKeysWith: { first, _ in first })
        let expectedChain: [String: [String]] = [
            "person": ["clinic", "health_center", "district_hospital"],
            "clinic": ["health_center", "district_hospital"],
            "health_center": ["district_hospital"],
        ]
        for document in documents {
            guard let type = document["type"]?.stringValue, let chain = expectedChain[type]
            else { continue }
            var level = document["parent"]
            var found: [String] = []
            while let object = level?.objectValue {
                #expect(Set(object.keys).isSubset(of: ["_id", "parent"]), "not minified")
                found.append(types[object["_id"]?.stringValue ?? ""] ?? "missing")
                level = object["parent"]
            }
            // CHWs live directly in their health centre.
            let allowed = [chain, Array(chain.dropFirst())]
            #expect(allowed.contains(found), "\(document)")
        }
    }

    @Test func shortCodesAreUnique() {
        let codes = Self.tenThousand.documents.compactMap { document -> String? in
            document["type"] == "person" ? document["patient_id"]?.stringValue : nil
        }
        #expect(Set(codes).count == codes.count)
    }

    @Test func oneCHWUserPerHealthCentreWithSettingsDocument() {
        let set = Self.tenThousand
        let byID = Dictionary(
            set.documents.map { ($0["_id"]!.stringValue!, $0) },
            uniquingKeysWith: { first, _ in first })
        let centres = set.documents.filter { $0["type"] == "health_center" }
        #expect(set.users.count == centres.count)
        #expect(Set(set.users.map(\.name)).count == set.users.count)
        for user in set.users {
            #expect(byID[user.facilityID]?["type"] == "health_center")
            let contact = byID[user.contactID]
            #expect(contact?["type"] == "person")
            #expect(contact?["parent"]?["_id"] == .string(user.facilityID))
            let settings = byID["org.couchdb.user:" + user.name]
            #expect(settings?["facility_id"] == .string(user.facilityID))
            #expect(settings?["contact_id"] == .string(user.contactID))
            #expect(user.password.count >= 8)
        }
    }

    @Test func usersPartitionThePeopleBetweenThem() {
        let set = Self.tenThousand
        let index = CHTAccessIndex(documents: set.documents)
        let people = Set(set.documents.filter { $0["type"] == "person" }.map { $0["_id"]! })
        var seen: [JSON: Int] = [:]
        for user in set.users {
            for id in index.allowedDocumentIDs(for: user.context) where people.contains(.string(id))
            {
                seen[.string(id), default: 0] += 1
            }
        }
        // Each person is below exactly one health centre and each health
        // centre has one user.
        #expect(Set(seen.keys) == people)
        #expect(seen.values.allSatisfy { $0 == 1 })
    }

    @Test func smallRequestsStillMakeACompleteBranch() {
        let set = CHTDataGenerator.generate(docs: 5, seed: 1)
        let counts = set.countsByType
        #expect(counts["district_hospital"] == 1)
        #expect(counts["health_center"] == 1)
        #expect(counts["clinic"] == 1)
        #expect((counts["person"] ?? 0) >= 2)
        #expect(set.users.count == 1)
    }
}
