import Foundation
import Pouch

#if canImport(Glibc)
    import Glibc
#endif

/// A source of bytes read one chunk at a time, so large inputs never sit in
/// memory whole.
protocol ByteStream: AnyObject {
    /// The next chunk of bytes, or an empty array at the end.
    func nextChunk() throws(PouchError) -> [UInt8]
}

/// The bytes of a file, read in chunks through the C library.
final class FileByteStream: ByteStream {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String
    private let chunkSize: Int

    /// Opens `path` for reading; a missing or unreadable file is `not_found`.
    init(path: String, chunkSize: Int = 1 << 16) throws(PouchError) {
        guard let file = fopen(path, "rb") else {
            throw PouchError.notFound("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        self.path = path
        self.chunkSize = chunkSize
    }

    deinit { fclose(file) }

    func nextChunk() throws(PouchError) -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunkSize, file) }
        if count < chunkSize, ferror(file) != 0 {
            throw PouchError.storage("cannot read \(path)", cause: String(cString: strerror(errno)))
        }
        chunk.removeSubrange(count...)
        return chunk
    }
}

/// Reads exact byte counts and lines over a `ByteStream`, keeping only the
/// bytes not yet consumed.
final class BufferedByteReader {
    private let stream: any ByteStream
    private var buffer: [UInt8] = []
    private var position = 0
    private var isAtEnd = false

    init(_ stream: any ByteStream) {
        self.stream = stream
    }

    /// Whether every byte has been consumed.
    func atEnd() throws(PouchError) -> Bool {
        try fill(atLeast: 1)
        return position == buffer.count
    }

    /// Exactly `count` bytes, or fewer only when the stream ends first.
    func read(_ count: Int) throws(PouchError) -> [UInt8] {
        try fill(atLeast: count)
        let end = min(buffer.count, position + count)
        let bytes = Array(buffer[position..<end])
        position = end
        return bytes
    }

    /// Skips `count` bytes; returns how many were really skipped.
    @discardableResult
    func skip(_ count: Int) throws(PouchError) -> Int {
        var remaining = count
        while remaining > 0 {
            try fill(atLeast: 1)
            let step = min(remaining, buffer.count - position)
            if step == 0 { break }
            position += step
            remaining -= step
        }
        return count - remaining
    }

    /// The bytes up to the next newline (without it), or `nil` at the end.
    func readLine() throws(PouchError) -> [UInt8]? {
        var scanned = 0
        while true {
            if let newline = buffer[(position + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[position..<newline])
                position = newline + 1
                return line
            }
            scanned = buffer.count - position
            try fill(atLeast: scanned + 1)

            // The stream ended: the last line may lack its newline.
            if buffer.count - position == scanned {
                guard scanned > 0 else { return nil }
                let line = Array(buffer[position...])
                position = buffer.count
                return line
            }
        }
    }

    /// Reads chunks until at least `count` unread bytes are held or the
    /// stream ends, dropping consumed bytes first.
    private func fill(atLeast count: Int) throws(PouchError) {
        guard buffer.count - position < count, !isAtEnd else { return }
        if position > 0 {
            buffer.removeSubrange(..<position)
            position = 0
        }
        while buffer.count < count, !isAtEnd {
            let chunk = try stream.nextChunk()
            if chunk.isEmpty { isAtEnd = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
