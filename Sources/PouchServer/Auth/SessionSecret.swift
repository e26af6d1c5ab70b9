import Foundation
import Pouch

#if canImport(Glibc)
    import Glibc
#endif

/// The key that signs `AuthSession` cookies, kept in the data directory as
/// CouchDB keeps `[chttpd_auth] secret` in its configuration, so cookies
/// stay valid when the server restarts.
enum SessionSecret {
    /// The file, readable by its owner only (mode 0600).
    static let fileName = ".session-secret"

    /// The secret stored in `directory`, made (32 random bytes, as hex) on
    /// first use; a file that does not hold one is replaced.
    static func load(in directory: URL) throws -> [UInt8] {
        let path = directory.appendingPathComponent(fileName).path
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
            let secret = decode(text)
        {
            return secret
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try write(secret.map { String(format: "%02x", $0) }.joined() + "\n", to: path)
        return secret
    }

    private static func decode(_ text: String) -> [UInt8]? {
        let hex = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard hex.count >= 32, hex.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: hex.count, by: 2) {
            guard
                let byte = UInt8(String(decoding: hex[index...index + 1], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// Writes through a new 0600 file renamed into place, so the secret is
    /// never readable by others, even for a moment.
    private static func write(_ text: String, to path: String) throws {
        let temporary = path + ".\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw failure(path) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw failure(path)
        }
    }

    private static func failure(_ path: String) -> PouchError {
        PouchError.storage("cannot write \(path)", cause: String(cString: strerror(errno)))
    }
}
