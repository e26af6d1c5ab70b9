import Foundation
import Pouch

extension CHTDemo {
    /// Generated data, or the documents of `seedPath` with one CHW user
    /// per health centre found in them.
    func seedData() throws -> CHTDataSet {
        guard let path = options.seedPath else {
            onStep("generating \(options.documents) CHT documents")
            return CHTDataGenerator.generate(docs: options.documents, seed: options.seed)
        }
        onStep("reading documents from \(path)")
        let documents = try DocumentArchive(path: path).readAll()
        return Self.dataSet(withUsersFor: documents)
    }

    /// `documents` plus a CHW user and its `org.couchdb.user:<name>`
    /// settings document for each health centre, in document order.
    static func dataSet(withUsersFor documents: [JSON]) -> CHTDataSet {
        let contacts = firstPersonByAncestor(documents)
        var users: [CHTGeneratedUser] = []
        var settings: [JSON] = []
        for centre in documents where isHealthCentre(centre) {
            guard let id = centre["_id"]?.stringValue else { continue }
            let user = CHTGeneratedUser(
                name: "chw_\(users.count + 1)", password: "Secret_" + UUID().uuidString,
                roles: ["chw"], facilityID: id, contactID: contacts[id] ?? id)
            users.append(user)
            settings.append(settingsDocument(for: user))
        }
        return CHTDataSet(documents: documents + settings, users: users)
    }

    static func isHealthCentre(_ document: JSON) -> Bool {
        let type = document["type"]?.stringValue
        return type == "health_center"
            || (type == "contact" && document["contact_type"]?.stringValue == "health_center")
    }

    /// For each place id, the first person whose lineage passes through it.
    private static func firstPersonByAncestor(_ documents: [JSON]) -> [String: String] {
        var result: [String: String] = [:]
        for document in documents where document["type"]?.stringValue == "person" {
            guard let id = document["_id"]?.stringValue else { continue }
            var parent = document["parent"]
            while let ancestor = parent?["_id"]?.stringValue {
                if result[ancestor] == nil { result[ancestor] = id }
                parent = parent?["parent"]
            }
        }
        return result
    }

    private static func settingsDocument(for user: CHTGeneratedUser) -> JSON {
        [
            "_id": .string("org.couchdb.user:" + user.name), "name": .string(user.name),
            "type": "user-settings", "roles": ["chw"], "facility_id": .string(user.facilityID),
            "contact_id": .string(user.contactID), "language": "en", "known": true,
        ]
    }
}
