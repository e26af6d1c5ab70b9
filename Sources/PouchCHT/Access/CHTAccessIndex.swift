import Pouch

/// The replication keys of every `medic` document, kept so that what one
/// user may hold is found without reading every document again: CHT's
/// `contacts_by_depth` and `docs_by_replication_key` views in memory.
///
/// Update it as documents change; a contact moved to another place leaves
/// its old ancestors' subtrees.
public struct CHTAccessIndex: Sendable {
    /// Each live document's key.
    public private(set) var keys: [String: CHTReplicationKey] = [:]
    /// For each place id, the contacts below it (itself at depth 0) and
    /// their depth.
    private var descendants: [String: [String: Int]] = [:]
    /// For each subject key, the reports, tasks and targets filed under it.
    private var filed: [String: Set<String>] = [:]
    /// Documents every user gets.
    private var everyone: Set<String> = []
    /// The winning revision of each live document that carried `_rev`.
    public private(set) var revisions: [String: String] = [:]
    /// The ids whose winning revision is a deletion.
    public private(set) var deletedIDs: Set<String> = []

    /// An empty index.
    public init() {}

    /// An index of `documents`; deleted ones are left out.
    public init(documents: some Sequence<JSON>) {
        for document in documents { update(with: document) }
    }

    /// The number of live documents indexed.
    public var count: Int { keys.count }

    /// Records the current winning revision of a document: indexes it, or
    /// forgets it when it is deleted.
    public mutating func update(with document: JSON) {
        guard let id = document["_id"]?.stringValue, !id.hasPrefix("_local/") else { return }
        remove(id: id)
        if document["_deleted"]?.boolValue == true {
            deletedIDs.insert(id)
            return
        }
        let key = CHTReplicationKey(document: document)
        keys[id] = key
        revisions[id] = document["_rev"]?.stringValue
        add(id, key)
    }

    /// Forgets a document.
    public mutating func remove(id: String) {
        deletedIDs.remove(id)
        revisions[id] = nil
        guard let key = keys.removeValue(forKey: id) else { return }
        switch key {
        case .everyone:
            everyone.remove(id)
        case .contact(let lineage, _):
            for ancestor in lineage { descendants[ancestor]?[id] = nil }
        default:
            for subject in Self.fileKeys(of: key) { filed[subject]?.remove(id) }
        }
    }

    private mutating func add(_ id: String, _ key: CHTReplicationKey) {
        switch key {
        case .everyone:
            everyone.insert(id)
        case .contact(let lineage, _):
            for (depth, ancestor) in lineage.enumerated() where descendants[ancestor]?[id] == nil {
                descendants[ancestor, default: [:]][id] = depth
            }
        default:
            for subject in Self.fileKeys(of: key) { filed[subject, default: []].insert(id) }
        }
    }

    /// The keys a non-contact document is filed under.
    private static func fileKeys(of key: CHTReplicationKey) -> [String] {
        switch key {
        case .report(let subject, _, let signoff): return [subject ?? "_unassigned"] + signoff
        case .task(let user): return [user]
        case .target(let owner): return [owner]
        default: return []
        }
    }
}

extension CHTAccessIndex {
    /// The contacts a user may hold with their depth below the nearest of
    /// the user's facilities, limited to the user's replication depth.
    public func visibleContacts(for user: CHTUserContext) -> [String: Int] {
        var contacts: [String: Int] = [:]
        for facility in user.facilityIDs {
            for (id, depth) in descendants[facility] ?? [:] {
                if let limit = user.depth, depth > limit { continue }
                contacts[id] = min(depth, contacts[id] ?? depth)
            }
        }
        return contacts
    }

    /// The keys whose reports the user may hold (CHT's `subjectIds`): the
    /// visible contacts' ids and short codes, with each one's depth.
    public func subjects(for user: CHTUserContext) -> [String: Int] {
        var subjects: [String: Int] = [:]
        for (id, depth) in visibleContacts(for: user) {
            subjects[id] = min(depth, subjects[id] ?? depth)
            if case .contact(_, let code?)? = keys[id] {
                subjects[code] = min(depth, subjects[code] ?? depth)
            }
        }
        return subjects
    }

    /// The ids of every document `user` may hold, sorted: contacts in the
    /// facilities' subtrees, reports about them (or, with no subject,
    /// submitted by them), their targets, the user's tasks and own settings
    /// document, and what everyone gets.
    ///
    /// - Complexity: O(*s* + *r*) for a subtree of *s* contacts with *r*
    ///   documents filed under them.
    public func allowedDocumentIDs(for user: CHTUserContext) -> [String] {
        let contacts = visibleContacts(for: user)
        let subjects = subjects(for: user)
        var allowed = Set(contacts.keys).union(everyone)
        if keys[user.userSettingsID] != nil { allowed.insert(user.userSettingsID) }
        for (subject, depth) in subjects {
            for id in filed[subject] ?? []
            where isFiledDocumentAllowed(
                id, under: subject, depth: depth, subjects: subjects, user: user)
            {
                allowed.insert(id)
            }
        }
        for id in filed[user.userSettingsID] ?? [] { allowed.insert(id) }
        return allowed.sorted()
    }

    /// Which of `ids` a user holding them must let go of (CHT's
    /// `get-deletes`): those deleted here and those the user may no longer
    /// hold. Ids this index never saw are not named, since they may be
    /// local documents not yet uploaded.
    public func removals(among ids: [String], for user: CHTUserContext) -> [String] {
        let allowed = Set(allowedDocumentIDs(for: user))
        return ids.filter { id in
            deletedIDs.contains(id) || (keys[id] != nil && !allowed.contains(id))
        }
    }

    /// Whether a report, task or target filed under a visible subject is
    /// given to the user: not a report about the user (or the user's place)
    /// from someone outside the user's reach, and within the report depth
    /// unless the user submitted it.
    private func isFiledDocumentAllowed(
        _ id: String, under subject: String, depth: Int, subjects: [String: Int],
        user: CHTUserContext
    ) -> Bool {
        guard case .report(_, let submitter, _)? = keys[id] else { return true }
        let submitterVisible = submitter.map { subjects[$0] != nil } ?? false
        if CHTAccessRules.isSensitive(
            subject: subject, submitter: submitter, submitterVisible: submitterVisible,
            user: user)
        {
            return false
        }
        if let limit = user.reportDepth, depth > limit {
            return submitter != nil && submitter == user.contactID
        }
        return true
    }
}
