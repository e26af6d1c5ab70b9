import Pouch

/// CouchDB's rule for database names: `^[a-z][a-z0-9_$()+/-]*$`, at most
/// 238 characters long.
enum DatabaseName {
    /// The longest name CouchDB 3 can store: its shard files are named
    /// `NAME.TIMESTAMP.couch` (10-digit timestamp), which must fit the file
    /// system's 255-byte limit, so CouchDB documents 238 characters.
    static let maxLength = 238

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
        guard name.utf8.count <= maxLength else {
            throw PouchError(
                .illegalDatabaseName,
                "Name: '\(name)'. Database names are at most \(maxLength) characters long.",
                status: 400)
        }
    }

    /// Whether `name` has CouchDB's legal characters (its length aside).
    static func isLegal(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, first >= 0x61 && first <= 0x7A else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || "_$()+/-".utf8.contains(byte)
        }
    }

    /// The stem of the database's files: the name with each `/` written
    /// `.` (a character names never hold), so any legal name of at most
    /// 238 characters plus the longest suffix (`.sqlite-journal`) fits the
    /// file system's 255-byte limit.
    static func fileStem(_ name: String) -> String {
        String(name.map { $0 == "/" ? "." : $0 })
    }

    /// The stem earlier versions used: each `/` written `%2F`. Such files
    /// are still found and served.
    static func legacyFileStem(_ name: String) -> String {
        name.replacingOccurrences(of: "/", with: "%2F")
    }

    /// The database name a file stem stands for, or `nil` when the stem is
    /// no database's.
    static func name(ofFileStem stem: String) -> String? {
        let name = String(stem.map { $0 == "." ? "/" : $0 })
            .replacingOccurrences(of: "%2F", with: "/")
        return isLegal(name) && name.utf8.count <= maxLength ? name : nil
    }
}
