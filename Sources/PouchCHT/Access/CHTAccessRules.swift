import Pouch

/// What a CHT offline user may hold, by the rules of CHT 4.x's API server.
///
/// A user gets the contacts in the subtree of their facility (by the
/// `parent` lineage, minified or whole, to the configured depth), the
/// reports whose subject is one of those contacts (by `_id` or by
/// `patient_id`/`place_id` short code) -- a report with no subject counts
/// as about its submitter -- the targets owned by those contacts, their own
/// tasks and user settings, and what everyone gets: `settings`,
/// `resources`, `branding`, `partners`, forms, translations and
/// `_design/medic-client`.
public enum CHTAccessRules {
    /// The ids of the documents in `documents` that `user` may hold, sorted.
    ///
    /// - Complexity: O(*n*) to index *n* documents; use `CHTAccessIndex`
    ///   directly to answer many users over changing documents.
    public static func allowedDocumentIDs(
        in documents: some Sequence<JSON>, for user: CHTUserContext
    ) -> [String] {
        CHTAccessIndex(documents: documents).allowedDocumentIDs(for: user)
    }

    /// CHT's rule that users do not see reports about themselves or their
    /// place submitted by someone they cannot see (a supervisor).
    public static func isSensitive(
        subject: String?, submitter: String?, submitterVisible: Bool,
        user: CHTUserContext
    ) -> Bool {
        guard let subject, submitter != nil else { return false }
        guard subject == user.contactID || user.facilityIDs.contains(subject) else {
            return false
        }
        return !submitterVisible
    }
}
