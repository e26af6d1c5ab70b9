import Pouch

/// A database's `_security` object: who may read and write it (members)
/// and who may administer it (admins), each by names and roles.
struct SecurityObject: Sendable, Equatable {
    var json: JSON

    /// What CouchDB 3.x gives a new database: members and admins are both
    /// the `_admin` role, so only server admins may use it until changed.
    static let defaultForNewDatabase = SecurityObject(json: [
        "members": ["roles": ["_admin"]], "admins": ["roles": ["_admin"]],
    ])

    /// Checks the shape CouchDB accepts: an object whose `admins` and
    /// `members`, when present, are objects with string lists `names` and
    /// `roles`.
    init(validating json: JSON) throws(PouchError) {
        guard json.objectValue != nil else {
            throw PouchError.badRequest("Security object must be a JSON object")
        }
        for section in ["admins", "members"] {
            guard let value = json[section] else { continue }
            guard value.objectValue != nil else {
                throw PouchError.badRequest("\(section) must be a JSON object")
            }
            for list in ["names", "roles"] {
                guard let entries = value[list] else { continue }
                guard let array = entries.arrayValue, array.allSatisfy({ $0.stringValue != nil })
                else { throw PouchError.badRequest("\(list) must be a JSON list of strings") }
            }
        }
        self.json = json
    }

    init(json: JSON) {
        self.json = json
    }

    private func strings(_ section: String, _ list: String) -> [String] {
        (json[section]?[list]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// Whether `user` is a server admin or one of this database's admins.
    func isAdmin(_ user: UserContext) -> Bool {
        if user.isAdmin { return true }
        if let name = user.name, strings("admins", "names").contains(name) { return true }
        return !Set(strings("admins", "roles")).isDisjoint(with: user.roles)
    }

    /// Whether `user` may read and write documents: anyone when no member
    /// is listed, else admins and members.
    func isMember(_ user: UserContext) -> Bool {
        let names = strings("members", "names")
        let roles = strings("members", "roles")
        if names.isEmpty && roles.isEmpty { return true }
        if isAdmin(user) { return true }
        if let name = user.name, names.contains(name) { return true }
        return !Set(roles).isDisjoint(with: user.roles)
    }
}
