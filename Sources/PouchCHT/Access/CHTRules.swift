import Pouch

/// The small fixed rules of CHT's offline sync: which local changes are
/// uploaded, what a user's meta database is called, and which meta
/// documents are removed once the server has them.
public enum CHTRules {
    /// Ids of settings-like documents the client never uploads.
    public static let settingsLikeIDs: Set<String> = [
        "settings", "resources", "branding", "partners", "service-worker-meta",
        "zscore-charts",
    ]

    /// The roles that make a user online, as CHT's `isOnlineOnly` decides:
    /// a server admin, CHT's `mm-online` marker, or the legacy
    /// `national_admin`. Every other logged-in user is offline and sees
    /// `medic` only through the access rules.
    public static let onlineRoles: Set<String> = ["_admin", "mm-online", "national_admin"]

    /// Whether a user with `roles` is online (full access to `medic`).
    public static func isOnline(roles: [String]) -> Bool {
        roles.contains { onlineRoles.contains($0) }
    }

    /// Whether a local change to `medic` is pushed to the server, as CHT's
    /// upload filter decides: not forms, translations, settings-like
    /// documents, design documents, nor purge tombstones
    /// (`{"_deleted": true, "purged": true}`), which mark documents the
    /// user may no longer hold and must never delete them on the server.
    public static func shouldUpload(_ document: JSON) -> Bool {
        let id = document["_id"]?.stringValue ?? ""
        let type = document["type"]?.stringValue
        if id.hasPrefix("_design/") || id.hasPrefix("_local/") { return false }
        if settingsLikeIDs.contains(id) { return false }
        if type == "form" || id.hasPrefix("form:") { return false }
        if type == "translations" || id.hasPrefix("messages-") { return false }
        return !isPurgeTombstone(document)
    }

    /// Whether `document` is a local purge marker: deleted and `purged`.
    public static func isPurgeTombstone(_ document: JSON) -> Bool {
        document["_deleted"]?.boolValue == true && document["purged"]?.boolValue == true
    }

    /// The tombstone written locally for a document the user may no longer
    /// hold: `{"_id", "_rev", "_deleted": true, "purged": true}`.
    public static func purgeTombstone(id: String, rev: String) -> JSON {
        ["_id": .string(id), "_rev": .string(rev), "_deleted": true, "purged": true]
    }

    /// The name of a user's meta database, `medic-user-{name}-meta`, with
    /// every UTF-16 unit of the name outside `a-z 0-9 _ $ ( ) + / -`
    /// written as `(<decimal code>)`, as CHT escapes it.
    ///
    /// `Bob.Smith` becomes `medic-user-(66)ob(46)(83)mith-meta`.
    public static func metaDatabaseName(for userName: String) -> String {
        var escaped = ""
        for unit in userName.utf16 {
            if let scalar = Unicode.Scalar(unit), isPlainInDatabaseName(scalar) {
                escaped.unicodeScalars.append(scalar)
            } else {
                escaped += "(\(unit))"
            }
        }
        return "medic-user-\(escaped)-meta"
    }

    private static func isPlainInDatabaseName(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "0"..."9", "_", "$", "(", ")", "+", "/", "-": return true
        default: return false
        }
    }

    /// Whether a meta document is removed locally once the server holds it:
    /// feedback and telemetry, which the server copies for analysis.
    public static func isRemovedAfterUpload(_ document: JSON) -> Bool {
        let type = document["type"]?.stringValue
        return type == "feedback" || type == "telemetry"
    }

    /// The ids of local meta documents to remove: feedback and telemetry
    /// whose local revision the server already holds.
    ///
    /// - Parameter serverRevisions: the revision the server holds for each
    ///   id it has.
    public static func metaDocumentsToRemove(
        local documents: some Sequence<JSON>, serverRevisions: [String: String]
    ) -> [String] {
        var ids: [String] = []
        for document in documents where isRemovedAfterUpload(document) {
            guard let id = document["_id"]?.stringValue,
                let rev = document["_rev"]?.stringValue,
                document["_deleted"]?.boolValue != true,
                serverRevisions[id] == rev
            else { continue }
            ids.append(id)
        }
        return ids.sorted()
    }
}
