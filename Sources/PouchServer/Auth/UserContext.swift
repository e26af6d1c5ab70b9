import Pouch

/// Who a request comes from, after CouchDB's `userCtx`: a name (`nil` when
/// anonymous) and roles; `_admin` marks a server admin.
public struct UserContext: Sendable, Equatable {
    public var name: String?
    public var roles: [String]

    public init(name: String?, roles: [String]) {
        self.name = name
        self.roles = roles
    }

    /// A request without credentials.
    public static let anonymous = UserContext(name: nil, roles: [])

    /// Whether this is a server admin.
    public var isAdmin: Bool { roles.contains("_admin") }

    /// CouchDB's `userCtx` object.
    public var json: JSON {
        ["name": name.map(JSON.string) ?? .null, "roles": .array(roles.map(JSON.string))]
    }
}
