import Pouch

/// A CHT user as CHT's API server sees it when deciding what the user may
/// replicate: name, roles, facility (or facilities), own contact, and the
/// replication depth configured for the user's roles.
public struct CHTUserContext: Sendable, Hashable {
    /// The user name (the part after `org.couchdb.user:`).
    public var name: String
    /// The user's roles, such as `chw`.
    public var roles: [String]
    /// The places whose subtrees the user may hold; CHT 4.9+ allows several.
    public var facilityIDs: [String]
    /// The person the user is, usually inside the facility.
    public var contactID: String?
    /// How many levels below the facility contacts are replicated (`0` is
    /// the facility alone); `nil` for no limit, CHT's default.
    public var depth: Int?
    /// How many levels below the facility reports about contacts are
    /// replicated; deeper ones only when the user's contact submitted them.
    /// `nil` for no separate limit.
    public var reportDepth: Int?

    /// A user with the given facilities and contact.
    public init(
        name: String, roles: [String] = ["chw"], facilityIDs: [String],
        contactID: String? = nil, depth: Int? = nil, reportDepth: Int? = nil
    ) {
        self.name = name
        self.roles = roles
        self.facilityIDs = facilityIDs
        self.contactID = contactID
        self.depth = depth
        self.reportDepth = reportDepth
    }

    /// A user with one facility.
    public init(
        name: String, roles: [String] = ["chw"], facilityID: String,
        contactID: String? = nil, depth: Int? = nil, reportDepth: Int? = nil
    ) {
        self.init(
            name: name, roles: roles, facilityIDs: [facilityID], contactID: contactID,
            depth: depth, reportDepth: reportDepth)
    }

    /// Reads a `user-settings` document (`org.couchdb.user:<name>` in
    /// `medic`): `name`, `roles`, `facility_id` (a string or an array) and
    /// `contact_id`. `nil` when it has no name or no facility.
    public init?(userSettings document: JSON) {
        guard let name = document["name"]?.stringValue else { return nil }
        let facilities: [String]
        switch document["facility_id"] {
        case .string(let id)?: facilities = [id]
        case .array(let ids)?: facilities = ids.compactMap(\.stringValue)
        default: facilities = []
        }
        guard !facilities.isEmpty else { return nil }
        let roles = document["roles"]?.arrayValue?.compactMap(\.stringValue) ?? []
        self.init(
            name: name, roles: roles, facilityIDs: facilities,
            contactID: document["contact_id"]?.stringValue)
    }

    /// The id of the user's own settings document in `medic`.
    public var userSettingsID: String { "org.couchdb.user:" + name }
}

extension CHTUserContext {
    /// This user with `depth` and `reportDepth` taken from the
    /// `replication_depth` of CHT's `settings` document
    /// (`[{"role", "depth", "report_depth"}]`): the deepest setting among
    /// the user's roles wins, as in CHT; no matching role means no limit.
    public func applyingReplicationDepth(settings document: JSON) -> CHTUserContext {
        let rules = document["settings"]?["replication_depth"]?.arrayValue ?? []
        var user = self
        user.depth = nil
        user.reportDepth = nil
        for rule in rules {
            guard let role = rule["role"]?.stringValue, roles.contains(role),
                let depth = Self.integer(rule["depth"])
            else { continue }
            if depth > (user.depth ?? -1) {
                user.depth = depth
                user.reportDepth = Self.integer(rule["report_depth"])
            }
        }
        return user
    }

    /// An integer written as a number or as decimal text, as CHT's
    /// `parseInt` reads settings.
    private static func integer(_ value: JSON?) -> Int? {
        if let number = value?.intValue { return number }
        return value?.stringValue.flatMap { Int($0) }
    }
}
