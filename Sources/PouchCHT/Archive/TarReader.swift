import Pouch

/// One regular file read from a tar archive.
struct TarEntry {
    /// The path inside the archive, after GNU long names and pax `path`.
    var name: String
    /// The file's contents.
    var contents: [UInt8]
}

/// Reads the regular files of a tar archive (POSIX ustar, with GNU long
/// names and pax extended headers) from a byte stream, one entry at a time.
///
/// Directories, links and devices are skipped; a `L` entry names the next
/// entry, an `x` pax header may give its `path`, a `g` global header is
/// skipped. The archive ends at a block of zeros or at the end of the
/// stream on a block boundary.
final class TarReader {
    static let blockSize = 512
    /// The largest file read into memory; a larger one is rejected.
    static let maximumEntrySize = 256 << 20

    private let reader: BufferedByteReader
    private var isFinished = false

    init(_ stream: any ByteStream) {
        reader = BufferedByteReader(stream)
    }

    /// The next regular file, or `nil` after the last one.
    func nextEntry() throws(PouchError) -> TarEntry? {
        var pendingName: String?
        while !isFinished {
            guard let header = try nextHeader() else { break }
            let size = header.size
            switch header.type {
            case "0", "\0", "7":
                let contents = try readBody(size: size, keep: true)
                return TarEntry(name: pendingName ?? header.name, contents: contents)
            case "L":
                pendingName = Self.cString(try readBody(size: size, keep: true))
            case "x":
                let records = try readBody(size: size, keep: true)
                if let path = Self.paxPath(records) { pendingName = path }
            default:
                _ = try readBody(size: size, keep: false)
            }
        }
        return nil
    }

    /// Reads the next header block; `nil` at the end of the archive.
    private func nextHeader() throws(PouchError) -> TarHeader? {
        if try reader.atEnd() {
            isFinished = true
            return nil
        }
        let block = try reader.read(Self.blockSize)
        guard block.count == Self.blockSize else {
            throw PouchError.badRequest("tar archive ends inside a header")
        }
        if block.allSatisfy({ $0 == 0 }) {
            isFinished = true
            return nil
        }
        return try TarHeader(block: block)
    }

    /// Reads (or skips) an entry's body and the padding to the next block.
    private func readBody(size: Int, keep: Bool) throws(PouchError) -> [UInt8] {
        let padded = (size + Self.blockSize - 1) / Self.blockSize * Self.blockSize
        var body: [UInt8] = []
        if keep {
            guard size <= Self.maximumEntrySize else {
                throw PouchError.badRequest("tar entry of \(size) bytes is too large")
            }
            body = try reader.read(size)
            guard body.count == size else {
                throw PouchError.badRequest("tar archive ends inside an entry")
            }
        } else if try reader.skip(size) != size {
            throw PouchError.badRequest("tar archive ends inside an entry")
        }
        try reader.skip(padded - size)
        return body
    }

    /// The text before the first NUL.
    static func cString(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// The `path` value of pax records (`"<length> <key>=<value>\n"`).
    static func paxPath(_ records: [UInt8]) -> String? {
        var path: String?
        var index = 0
        while index < records.count {
            guard let space = records[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: records[index..<space], as: UTF8.self)),
                length > 0, index + length <= records.count
            else { break }
            let record = records[(space + 1)..<(index + length)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")),
                String(decoding: record[..<equals], as: UTF8.self) == "path"
            {
                var value = record[(equals + 1)...]
                if value.last == UInt8(ascii: "\n") { value = value.dropLast() }
                path = String(decoding: value, as: UTF8.self)
            }
            index += length
        }
        return path
    }
}

/// The fields of a ustar header block that the reader needs.
struct TarHeader {
    var name: String
    var type: Character
    var size: Int

    /// Parses and checks one 512-byte header block.
    init(block: [UInt8]) throws(PouchError) {
        guard Self.checksumMatches(block) else {
            throw PouchError.badRequest("tar header checksum does not match")
        }
        let name = TarReader.cString(block[0..<100])
        let prefix = TarReader.cString(block[345..<500])
        let isUstar = block[257..<262].elementsEqual("ustar".utf8)
        self.name = isUstar && !prefix.isEmpty ? prefix + "/" + name : name
        type = Character(Unicode.Scalar(block[156]))
        guard let size = Self.number(block[124..<136]) else {
            throw PouchError.badRequest("tar header has an invalid size")
        }
        self.size = size
    }

    /// Whether the stored checksum equals the sum of the header's bytes
    /// with the checksum field read as spaces.
    static func checksumMatches(_ block: [UInt8]) -> Bool {
        guard let stored = number(block[148..<156]) else { return false }
        var sum = 0
        for (index, byte) in block.enumerated() {
            sum += (148..<156).contains(index) ? 32 : Int(byte)
        }
        return sum == stored
    }

    /// A numeric field: octal digits, or GNU's base-256 when the first byte
    /// has its high bit set.
    static func number(_ field: ArraySlice<UInt8>) -> Int? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            var value = Int(first & 0x7F)
            for byte in field.dropFirst() {
                guard value < Int.max >> 8 else { return nil }
                value = value << 8 | Int(byte)
            }
            return value
        }
        let digits = field.filter { $0 != 0 && $0 != UInt8(ascii: " ") }
        if digits.isEmpty { return 0 }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8)
    }
}
