import Pouch

/// A CHW user of a generated data set: the credentials a test server is
/// set up with and the place whose data the user may hold.
public struct CHTGeneratedUser: Sendable, Hashable {
    /// The user name, such as `chw_amina_3`.
    public var name: String
    /// The password the server should accept.
    public var password: String
    /// The user's roles (`chw`).
    public var roles: [String]
    /// The health centre the user works for.
    public var facilityID: String
    /// The person the user is.
    public var contactID: String

    /// The user as the access rules see it, with no depth limit.
    public var context: CHTUserContext {
        CHTUserContext(name: name, roles: roles, facilityID: facilityID, contactID: contactID)
    }
}

/// Documents generated for a `medic` database, with the users who sync
/// them.
public struct CHTDataSet: Sendable {
    /// Every document, places first, then people, reports and the rest.
    public var documents: [JSON]
    /// One CHW user per health centre.
    public var users: [CHTGeneratedUser]

    /// How many documents have each `type` (`"(none)"` for documents
    /// without one).
    public var countsByType: [String: Int] {
        var counts: [String: Int] = [:]
        for document in documents {
            counts[document["type"]?.stringValue ?? "(none)", default: 0] += 1
        }
        return counts
    }
}
