import Pouch

/// What one `medic` document means for replication, as CHT's
/// `docs_by_replication_key` and `contacts_by_depth` views see it.
public enum CHTReplicationKey: Sendable, Hashable {
    /// Every user gets it: settings-like documents, forms, translations and
    /// the client design document.
    case everyone
    /// A contact: `lineage` is its own id then its ancestors' ids, nearest
    /// first; `shortCode` is its `patient_id` or `place_id`.
    case contact(lineage: [String], shortCode: String?)
    /// A report or message about `subject` (an id or a short code), sent by
    /// `submitter`; `signoffLineage` lists further keys it is filed under
    /// when it needs sign-off from the submitter's hierarchy.
    case report(subject: String?, submitter: String?, signoffLineage: [String])
    /// A task, filed under the user settings id it was generated for.
    case task(user: String)
    /// A target document, filed under the contact that owns it.
    case target(owner: String)
    /// Nothing replicates it to offline users (other users' settings,
    /// unknown types).
    case none
}

extension CHTReplicationKey {
    /// Ids of documents every offline user receives, besides forms and
    /// translations (CHT 4.x's `docs_by_replication_key`).
    public static let everyoneIDs: Set<String> = [
        "settings", "resources", "branding", "partners", "service-worker-meta",
        "zscore-charts", "privacy-policies", "_design/medic-client",
    ]

    /// The contact types CHT knows before configurable types (which use
    /// `type: "contact"`).
    public static let contactTypes: Set<String> = [
        "contact", "person", "clinic", "health_center", "district_hospital",
    ]

    /// Classifies `document` the way CHT's replication views do.
    public init(document: JSON) {
        let id = document["_id"]?.stringValue ?? ""
        let type = document["type"]?.stringValue
        if Self.everyoneIDs.contains(id) || type == "form" || type == "translations"
            || id.hasPrefix("form:") || id.hasPrefix("messages-")
        {
            self = .everyone
            return
        }
        switch type {
        case "data_record"?:
            self = Self.report(document)
        case "task"?:
            self = Self.keyString(document["user"]).map { .task(user: $0) } ?? .none
        case "target"?:
            self = Self.keyString(document["owner"]).map { .target(owner: $0) } ?? .none
        case let type? where Self.contactTypes.contains(type):
            let shortCode =
                Self.keyString(document["patient_id"])
                ?? Self.keyString(document["place_id"])
            self = .contact(
                lineage: [id] + Self.lineage(of: document["parent"]), shortCode: shortCode)
        default:
            self = .none
        }
    }

    /// The ids along a lineage, nearest first, whether each level is
    /// minified (`{"_id", "parent"}`) or a whole parent document. A level
    /// without `_id` is skipped; a string or `null` parent ends it.
    public static func lineage(of parent: JSON?) -> [String] {
        var ids: [String] = []
        var level = parent
        // A cycle in hand-edited data must not loop forever.
        while case .object(let object)? = level, ids.count < 64 {
            if let id = keyString(object["_id"]) { ids.append(id) }
            level = object["parent"]
        }
        return ids
    }

    /// A key as CHT's views emit it: a non-empty string, or an integer
    /// written in decimal.
    static func keyString(_ value: JSON?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: return text
        case .int(let number)?: return String(number)
        default: return nil
        }
    }
}
