import Foundation
import Pouch

/// A collection of CouchDB documents kept outside a database: a folder of
/// JSON files, an NDJSON file, a tar archive of JSON files (optionally
/// gzipped), or one JSON file.
///
/// A JSON text holding an object is one document, an array is a list of
/// documents, and an object with a `docs` array is read as a `_bulk_docs`
/// body. Documents are read one at a time, so an archive larger than memory
/// can be loaded into a database in batches.
///
/// ```swift
/// let archive = try DocumentArchive(path: "pipeline-json-docs.tar.gz")
/// let reader = try archive.makeReader()
/// while case let batch = try reader.nextBatch(maxCount: 500), !batch.isEmpty {
///     _ = try await database.bulkDocs(batch)
/// }
/// ```
public struct DocumentArchive: Sendable {
    /// How the documents are laid out on disk.
    public enum Format: String, Sendable, CaseIterable {
        /// A folder of `.json` files, searched recursively in path order.
        case folder
        /// One JSON document per line; blank lines are skipped.
        case ndjson
        /// A tar archive whose `.json` regular files hold documents.
        case tar
        /// A gzip-compressed tar archive (`.tar.gz`, `.tgz`).
        case tarGzip
        /// A single JSON file.
        case json
    }

    /// Where the archive is.
    public let path: String
    /// How it is laid out.
    public let format: Format

    /// An archive at `path` in the given format.
    public init(path: String, format: Format) {
        self.path = path
        self.format = format
    }

    /// An archive at `path` whose format is told by what it is: a folder, or
    /// a file named `.ndjson`/`.jsonl`, `.tar`, `.tar.gz`/`.tgz` or `.json`.
    ///
    /// - Throws: `not_found` when nothing is there, `bad_request` when the
    ///   name does not say the format.
    public init(path: String) throws(PouchError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PouchError.notFound("no file or folder at \(path)")
        }
        if isDirectory.boolValue {
            self.init(path: path, format: .folder)
            return
        }
        guard let format = Self.format(ofFileNamed: path) else {
            throw PouchError.badRequest(
                "cannot tell the format of \(path): expected .json, .ndjson, .jsonl, .tar, "
                    + ".tar.gz or .tgz")
        }
        self.init(path: path, format: format)
    }

    /// The format a file name says, or `nil`.
    static func format(ofFileNamed name: String) -> Format? {
        let lower = name.lowercased()
        if lower.hasSuffix(".tar.gz") || lower.hasSuffix(".tgz") { return .tarGzip }
        if lower.hasSuffix(".tar") { return .tar }
        if lower.hasSuffix(".ndjson") || lower.hasSuffix(".jsonl") { return .ndjson }
        if lower.hasSuffix(".json") { return .json }
        return nil
    }

    /// Starts reading the documents from the beginning.
    public func makeReader() throws(PouchError) -> DocumentArchiveReader {
        try DocumentArchiveReader(archive: self)
    }

    /// Calls `body` with each document in order.
    public func forEachDocument(_ body: (JSON) throws -> Void) throws {
        let reader = try makeReader()
        while let document = try reader.next() {
            try body(document)
        }
    }

    /// Every document, in order; for archives known to fit in memory.
    public func readAll() throws(PouchError) -> [JSON] {
        let reader = try makeReader()
        var documents: [JSON] = []
        while let document = try reader.next() {
            documents.append(document)
        }
        return documents
    }
}
