/// The tables of a database file and the migrations between their versions,
/// numbered in `PRAGMA user_version`.
///
/// - `meta`: counters and settings (update sequence, counts, revs limit).
/// - `docs`: one row per document, keyed by its latest sequence (so the
///   table in key order is the changes feed), with its id (unique), the
///   encoded revision tree, and the winning revision: its id, whether it
///   is deleted, its body as JSON text and its attachments' descriptions.
///   A new document is one row in one table and one index entry.
/// - `revs`: every other revision held, by document id and revision: its
///   body (NULL once compacted or never received) and attachments. When
///   the winner changes, the old winner's row moves here and the new
///   winner's moves up into `docs`.
/// - `attachments`: each distinct attachment body once, by digest.
/// - `local_docs`: `_local` documents, outside every feed.
/// - `mango_indexes`, `mango_entries`: Mango JSON indexes and their keys
///   (see `DocumentStore+MangoIndex.swift`).
package enum Schema {
    /// The version this code writes.
    static let currentVersion = 3

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
        """
        CREATE TABLE docs_v3 (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            winner TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            tree BLOB NOT NULL,
            body TEXT,
            atts TEXT
        );
        INSERT INTO docs_v3 (seq, id, winner, deleted, tree, body, atts)
            SELECT d.seq, d.id, d.winner, d.deleted, d.tree, r.body, r.atts
            FROM docs d LEFT JOIN revs r ON r.doc = d.doc AND r.rev = d.winner;
        CREATE TABLE revs_v3 (
            id TEXT NOT NULL,
            rev TEXT NOT NULL,
            deleted INTEGER NOT NULL,
            body TEXT,
            atts TEXT,
            PRIMARY KEY (id, rev)
        ) WITHOUT ROWID;
        INSERT INTO revs_v3 (id, rev, deleted, body, atts)
            SELECT d.id, r.rev, r.deleted, r.body, r.atts
            FROM revs r JOIN docs d ON d.doc = r.doc WHERE r.rev != d.winner;
        CREATE TABLE mango_entries_v3 (
            idx INTEGER NOT NULL,
            key TEXT NOT NULL COLLATE pouch_mango,
            id TEXT NOT NULL,
            PRIMARY KEY (idx, key)
        ) WITHOUT ROWID;
        INSERT INTO mango_entries_v3 (idx, key, id)
            SELECT e.idx, e.key, d.id FROM mango_entries e JOIN docs d ON d.doc = e.doc;
        DROP TABLE mango_entries;
        DROP TABLE revs;
        DROP TABLE docs;
        ALTER TABLE docs_v3 RENAME TO docs;
        ALTER TABLE revs_v3 RENAME TO revs;
        ALTER TABLE mango_entries_v3 RENAME TO mango_entries;
        CREATE INDEX mango_entries_by_id ON mango_entries (id);
        """,
    ]

    /// Adds a document's row unless its id is taken. Parameters: sequence,
    /// id, winning revision, deleted flag, encoded revision tree, body,
    /// attachment descriptions.
    package static let insertDocument = """
        INSERT INTO docs (seq, id, winner, deleted, tree, body, atts)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO NOTHING
        """

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
