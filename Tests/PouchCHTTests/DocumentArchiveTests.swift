import Foundation
import Pouch
import Testing

@testable import PouchCHT

@Suite struct DocumentArchiveTests {
    @Test func ndjsonSkipsBlankLinesAndReadsALastLineWithoutNewline() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write(
            "docs.ndjson", "{\"_id\":\"a\"}\n\n  \r\n{\"_id\":\"b\",\"n\":1}\r\n{\"_id\":\"c\"}")
        let archive = try DocumentArchive(path: file)
        #expect(archive.format == .ndjson)
        let documents = try archive.readAll()
        #expect(ids(documents) == ["a", "b", "c"])
        #expect(documents[1]["n"] == .int(1))
    }

    @Test func ndjsonWithABadLineIsABadRequestNamingTheLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("docs.jsonl", "{\"_id\":\"a\"}\n{\"_id\":\n")
        let reader = try DocumentArchive(path: file).makeReader()
        #expect(try reader.next()?["_id"] == "a")
        let error = #expect(throws: PouchError.self) { try reader.next() }
        #expect(error?.code == .badRequest)
        #expect(error?.reason.contains("line 2") == true)
    }

    @Test func ndjsonLinesLongerThanAChunkAreRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let long = String(repeating: "x", count: 200_000)
        let file = try folder.write(
            "big.ndjson", "{\"_id\":\"a\",\"v\":\"\(long)\"}\n{\"_id\":\"b\"}\n")
        let documents = try DocumentArchive(path: file).readAll()
        #expect(ids(documents) == ["a", "b"])
        #expect(documents[0]["v"]?.stringValue?.count == 200_000)
    }

    @Test func folderReadsJSONFilesRecursivelyInPathOrder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("b.json", "{\"_id\":\"from-b\"}")
        try folder.write("a.json", "[{\"_id\":\"a1\"},{\"_id\":\"a2\"}]")
        try folder.write("sub/c.json", "{\"docs\":[{\"_id\":\"c1\"}]}")
        try folder.write("notes.txt", "not a document")
        let documents = try DocumentArchive(path: folder.path).readAll()
        #expect(ids(documents) == ["a1", "a2", "from-b", "c1"])
    }

    @Test func aFileThatIsNotAnObjectIsABadRequest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("one.json", "42")
        #expect(
            throws: PouchError.badRequest(
                "\(folder.path)/one.json: a document must be a JSON object")
        ) {
            try DocumentArchive(path: folder.path).readAll()
        }
    }

    @Test func missingPathIsNotFound() {
        let error = #expect(throws: PouchError.self) {
            try DocumentArchive(path: "/nonexistent/pouch/docs.ndjson")
        }
        #expect(error?.status == 404)
    }

    @Test func gnuTarGzWithLongNamesDirectoriesAndOtherFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        // A name past 100 bytes needs a GNU `L` entry; cut at 100 it would
        // lose its `.json` suffix and the document would be missed.
        let longName = "json_docs/" + String(repeating: "n", count: 120) + ".doc.json"
        try folder.write("in/json_docs/one.doc.json", "{\"_id\":\"one\"}")
        try folder.write("in/" + longName, "{\"_id\":\"long\"}")
        try folder.write("in/json_docs/README.md", "# not a document")
        try run(
            "/usr/bin/tar", ["--format=gnu", "-czf", "../docs.tar.gz", "json_docs"],
            in: folder.path + "/in")
        let documents = try DocumentArchive(path: folder.path + "/docs.tar.gz").readAll()
        #expect(Set(ids(documents)) == ["one", "long"])
        #expect(documents.count == 2)
    }

    @Test func paxTarWithALongPathAndNonASCIIName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let deep = "d/" + String(repeating: "p", count: 150) + "/é.json"
        try folder.write("in/" + deep, "{\"_id\":\"pax\"}")
        try folder.write("in/d/x.json", "{\"_id\":\"x\"}")
        try run(
            "/usr/bin/tar", ["--format=pax", "-cf", "../docs.tar", "d"], in: folder.path + "/in")

        let entries = try readEntries(TarReader(FileByteStream(path: folder.path + "/docs.tar")))
        #expect(Set(entries.map(\.name)) == [deep, "d/x.json"])
        let documents = try DocumentArchive(path: folder.path + "/docs.tar").readAll()
        #expect(Set(ids(documents)) == ["pax", "x"])
    }

    @Test func handBuiltUstarArchiveIsReadByOctalSizeAndChecksum() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let body = Array("{\"_id\":\"hand\"}".utf8)
        var archive = ustarHeader(name: "docs/hand.json", size: body.count, type: "0")
        archive += body + [UInt8](repeating: 0, count: 512 - body.count)
        archive += [UInt8](repeating: 0, count: 1024)
        let file = try folder.write("hand.tar", Data(archive))

        let entries = try readEntries(TarReader(FileByteStream(path: file)))
        #expect(entries.map(\.name) == ["docs/hand.json"])
        #expect(entries.first?.contents == body)
    }

    @Test func aDamagedHeaderChecksumIsABadRequest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var header = ustarHeader(name: "a.json", size: 0, type: "0")
        header[0] = UInt8(ascii: "b")
        let file = try folder.write("bad.tar", Data(header + [UInt8](repeating: 0, count: 1024)))
        #expect(throws: PouchError.badRequest("tar header checksum does not match")) {
            try DocumentArchive(path: file).readAll()
        }
    }

    @Test func concatenatedGzipMembersAreReadInTurn() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a", "first part,")
        try folder.write("b", "second part")
        try run("/usr/bin/gzip", ["a", "b"], in: folder.path)
        let joined =
            try Data(contentsOf: URL(fileURLWithPath: folder.path + "/a.gz"))
            + Data(contentsOf: URL(fileURLWithPath: folder.path + "/b.gz"))
        let file = try folder.write("ab.gz", joined)

        let stream = try GzipByteStream(source: FileByteStream(path: file, chunkSize: 7))
        var text: [UInt8] = []
        while case let chunk = try stream.nextChunk(), !chunk.isEmpty { text += chunk }
        #expect(String(decoding: text, as: UTF8.self) == "first part,second part")
    }

    @Test func truncatedGzipIsABadRequest() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try folder.write("a", String(repeating: "some text ", count: 500))
        try run("/usr/bin/gzip", ["a"], in: folder.path)
        let whole = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/a.gz"))
        let file = try folder.write("cut.gz", whole.prefix(whole.count - 12))
        let stream = try GzipByteStream(source: FileByteStream(path: file))
        let error = #expect(throws: PouchError.self) {
            while !(try stream.nextChunk()).isEmpty {}
        }
        #expect(error?.code == .badRequest)
    }

    static let pipelineArchive = "/work/shared/cht/pipeline-json-docs.tar.gz"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: pipelineArchive)))
    func pipelineArchiveHoldsItsDocumentedCounts() throws {
        var counts: [String: Int] = [:]
        var total = 0
        try DocumentArchive(path: Self.pipelineArchive).forEachDocument { document in
            total += 1
            counts[document["type"]?.stringValue ?? "(none)", default: 0] += 1
        }
        // The figures stated in shared/cht/README.md.
        #expect(total == 10_462)
        #expect(counts["person"] == 8_820)
        #expect(counts["data_record"] == 1_448)
        let places = ["clinic", "health_center", "district_hospital"].map { counts[$0] ?? 0 }
        #expect(places.reduce(0, +) == 190)
    }
}

/// Every regular file a tar reader yields.
private func readEntries(_ reader: TarReader) throws -> [TarEntry] {
    var entries: [TarEntry] = []
    while let entry = try reader.nextEntry() { entries.append(entry) }
    return entries
}

/// A ustar header written field by field as POSIX lays it out.
private func ustarHeader(name: String, size: Int, type: Character) -> [UInt8] {
    var block = [UInt8](repeating: 0, count: 512)
    func put(_ text: String, at offset: Int) {
        for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte }
    }
    func octal(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 8)
        return String(repeating: "0", count: width - 1 - digits.count) + digits
    }
    put(name, at: 0)
    put(octal(0o644, width: 8), at: 100)
    put(octal(size, width: 12), at: 124)
    put(octal(0, width: 12), at: 136)
    put(String(type), at: 156)
    put("ustar", at: 257)
    put("00", at: 263)
    put("        ", at: 148)
    let sum = block.reduce(0) { $0 + Int($1) }
    put(octal(sum, width: 7), at: 148)
    return block
}
