/// The tables of a database file and the migrations between their versions,
/// numbered in `PRAGMA user_version`.
///
/// - `meta`: counters and settings (update sequence, counts, revs limit).
/// - `docs`: one row per document: id, latest sequence, winning revision
///   and whether it is deleted, and the encoded revision tree. The unique
///   index on `seq` is the changes feed.
/// - `revs`: one row per revision held: its body as JSON text (NULL once
///   compacted or never received) and its attachments' descriptions.
/// - `attachments`: each distinct attachment body once, by digest.
/// - `local_docs`: `_local` documents, outside every feed.
/// - `mango_indexes`, `mango_entries`: Mango JSON indexes and their keys
///   (see `DocumentStore+MangoIndex.swift`).
package enum Schema {
    /// The version this code writes.
    static let currentVersion = 2

    /// The migrations, the one at index `n` taking version `n` to `n + 1`.
    package static let migrations: [String] = [
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value) WITHOUT ROWID;
        CREATE TABLE docs (
            doc INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            seq INTEGER NOT NULL,
            winner TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            tree BLOB NOT NULL
        );
        CREATE UNIQUE INDEX docs_by_seq ON docs (seq);
        CREATE TABLE revs (
            doc INTEGER NOT NULL,
            rev TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            body TEXT,
            atts TEXT,
            PRIMARY KEY (doc, rev)
        ) WITHOUT ROWID;
        CREATE TABLE attachments (
            digest TEXT PRIMARY KEY NOT NULL,
            length INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE local_docs (
            id TEXT PRIMARY KEY NOT NULL,
            rev INTEGER NOT NULL,
            body TEXT NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO meta (key, value) VALUES
            ('update_seq', 0), ('doc_count', 0), ('doc_del_count', 0),
            ('revs_limit', 1000), ('purge_seq', 0), ('purged_infos_limit', 1000);
        """,
        """
        CREATE TABLE mango_indexes (
            idx INTEGER PRIMARY KEY,
            ddoc TEXT NOT NULL,
            name TEXT NOT NULL,
            def TEXT NOT NULL,
            UNIQUE (ddoc, name)
        );
        CREATE TABLE mango_entries (
            idx INTEGER NOT NULL,
            key TEXT NOT NULL COLLATE pouch_mango,
            doc INTEGER NOT NULL,
            PRIMARY KEY (idx, key)
        ) WITHOUT ROWID;
        CREATE INDEX mango_entries_by_doc ON mango_entries (doc);
        """,
    ]

    /// Adds a document's row unless its id is taken. Parameters: sequence,
    /// winning revision, deleted flag, encoded revision tree, id.
    package static let insertDocument = """
        INSERT INTO docs (seq, winner, deleted, tree, id) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING
        """

    /// Stores one revision. Parameters: document key, revision, deleted
    /// flag, body, attachment descriptions.
    package static let insertRevision =
        "INSERT OR REPLACE INTO revs (doc, rev, deleted, body, atts) VALUES (?, ?, ?, ?, ?)"

    /// Brings the schema of `connection` up to `currentVersion`.
    ///
    /// Throws when the file was written by a newer version of Pouch.
    static func migrate(_ connection: Connection) throws(PouchError) {
        let version = try connection.userVersion
        guard version <= currentVersion else {
            throw PouchError.storage(
                "the database file has schema version \(version); "
                    + "this Pouch reads up to \(currentVersion)")
        }
        guard version < currentVersion else { return }
        try connection.transaction(immediate: true) { () throws(PouchError) in
            for step in version..<currentVersion {
                try connection.execute(migrations[step])
            }
            try connection.execute("PRAGMA user_version = \(currentVersion)")
        }
        Logger.storage.info("migrated schema from version \(version) to \(currentVersion)")
    }
}
