import Foundation
import Pouch

/// Reads the documents of a `DocumentArchive` one at a time.
///
/// It holds one file (or one line) at a time, never the whole archive. It
/// is not `Sendable`: use it from one task.
public final class DocumentArchiveReader {
    private enum Source {
        case files([String], next: Int)
        case lines(BufferedByteReader, path: String, line: Int)
        case tar(TarReader, path: String)
        case done
    }

    private var source: Source
    private var pending: [JSON] = []
    private var pendingIndex = 0

    init(archive: DocumentArchive) throws(PouchError) {
        switch archive.format {
        case .folder:
            source = .files(try Self.jsonFiles(in: archive.path), next: 0)
        case .json:
            source = .files([archive.path], next: 0)
        case .ndjson:
            let lines = BufferedByteReader(try FileByteStream(path: archive.path))
            source = .lines(lines, path: archive.path, line: 0)
        case .tar:
            source = .tar(TarReader(try FileByteStream(path: archive.path)), path: archive.path)
        case .tarGzip:
            let gzip = try GzipByteStream(source: try FileByteStream(path: archive.path))
            source = .tar(TarReader(gzip), path: archive.path)
        }
    }

    /// The next document, or `nil` after the last.
    ///
    /// - Throws: `bad_request` naming the file (and line) of text that is not
    ///   JSON or not a document, or of a damaged archive.
    public func next() throws(PouchError) -> JSON? {
        while pendingIndex == pending.count {
            guard let batch = try readMore() else { return nil }
            pending = batch
            pendingIndex = 0
        }
        defer { pendingIndex += 1 }
        return pending[pendingIndex]
    }

    /// Up to `maxCount` next documents; empty after the last.
    public func nextBatch(maxCount: Int) throws(PouchError) -> [JSON] {
        var batch: [JSON] = []
        batch.reserveCapacity(maxCount)
        while batch.count < maxCount, let document = try next() {
            batch.append(document)
        }
        return batch
    }

    /// The documents of the next file, line or tar entry; `nil` at the end.
    private func readMore() throws(PouchError) -> [JSON]? {
        switch source {
        case .files(let files, let next):
            guard next < files.count else { return nil }
            source = .files(files, next: next + 1)
            let bytes = try Self.contents(of: files[next])
            return try Self.documents(in: bytes, origin: files[next])
        case .lines(let reader, let path, let line):
            return try nextLine(reader, path: path, line: line)
        case .tar(let reader, let path):
            while let entry = try reader.nextEntry() {
                guard entry.name.lowercased().hasSuffix(".json") else { continue }
                return try Self.documents(in: entry.contents, origin: "\(path):\(entry.name)")
            }
            source = .done
            return nil
        case .done:
            return nil
        }
    }

    /// The document on the next non-blank NDJSON line.
    private func nextLine(
        _ reader: BufferedByteReader, path: String, line: Int
    ) throws(PouchError) -> [JSON]? {
        var number = line
        while let bytes = try reader.readLine() {
            number += 1
            source = .lines(reader, path: path, line: number)
            let isBlank = bytes.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
            if isBlank { continue }
            return [try Self.document(in: bytes, origin: "\(path) line \(number)")]
        }
        source = .done
        return nil
    }

    /// The `.json` files under `folder`, recursively, in path order.
    static func jsonFiles(in folder: String) throws(PouchError) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            throw PouchError.notFound("cannot list \(folder)")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            guard relative.lowercased().hasSuffix(".json") else { continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// The bytes of a whole file.
    static func contents(of path: String) throws(PouchError) -> [UInt8] {
        let stream = try FileByteStream(path: path)
        var bytes: [UInt8] = []
        while case let chunk = try stream.nextChunk(), !chunk.isEmpty {
            bytes.append(contentsOf: chunk)
        }
        return bytes
    }

    /// The documents in one JSON text: an object, an array of objects, or a
    /// `_bulk_docs` body `{"docs": [...]}`.
    static func documents(in bytes: [UInt8], origin: String) throws(PouchError) -> [JSON] {
        let value = try parse(bytes, origin: origin)
        switch value {
        case .array(let items):
            return try items.map { (item) throws(PouchError) in try checked(item, origin) }
        case .object(let object):
            if object.count == 1, case .array(let items)? = object["docs"] {
                return try items.map { (item) throws(PouchError) in try checked(item, origin) }
            }
            return [value]
        default:
            throw PouchError.badRequest("\(origin): a document must be a JSON object")
        }
    }

    /// The single document in one JSON text.
    static func document(in bytes: [UInt8], origin: String) throws(PouchError) -> JSON {
        try checked(try parse(bytes, origin: origin), origin)
    }

    private static func parse(_ bytes: [UInt8], origin: String) throws(PouchError) -> JSON {
        do {
            return try JSON(parsing: bytes)
        } catch {
            throw PouchError.badRequest("\(origin): \(error)")
        }
    }

    private static func checked(_ value: JSON, _ origin: String) throws(PouchError) -> JSON {
        guard case .object = value else {
            throw PouchError.badRequest("\(origin): a document must be a JSON object")
        }
        return value
    }
}
