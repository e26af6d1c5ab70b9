import Pouch

/// CouchDB's rule for database names: `^[a-z][a-z0-9_$()+/-]*$`.
enum DatabaseName {
    /// Throws `illegal_database_name` with CouchDB's reason unless `name`
    /// is a legal database name.
    static func validate(_ name: String) throws(PouchError) {
        guard isLegal(name) else {
            throw PouchError(
                .illegalDatabaseName,
                "Name: '\(name)'. Only lowercase characters (a-z), digits (0-9), and any of "
                    + "the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.",
                status: 400)
        }
    }

    static func isLegal(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 0x61 && first <= 0x7A else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || "_$()+/-".utf8.contains(byte)
        }
    }
}
