import Foundation
import Pouch
import TestSupport
import Testing

/// The kinds of `DocumentDatabase` the behavioural suite
/// (`DatabaseBehaviourTests`) runs over, so each behaviour is written once
/// and asserted identically for a local database and a remote one.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// The SQLite `Database` on a file in a temporary directory.
    case sqlite
    /// A `RemoteDatabase` on a `PouchServer` started for the test on
    /// 127.0.0.1 with a free port, over the automatic transport (keep-alive
    /// sockets for plain `http://`).
    case remote
    /// The same remote database with its requests forced through
    /// URLSession, the transport `https://` and proxied servers use.
    case remoteURLSession

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty database of this kind, and removes it
    /// (stopping its server) afterwards.
    func withDatabase(_ body: (any DocumentDatabase) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let temporary = try TemporaryDatabase()
            try await body(temporary.database)
            withExtendedLifetime(temporary) {}
        case .remote, .remoteURLSession:
            let server = try await TestServer.start()
            defer { server.stop() }
            let db = RemoteDatabase(
                url: server.adminURL.appendingPathComponent("behaviour"),
                transport: self == .remote ? .automatic : .urlSession)
            try await db.create()
            try await body(db)
        }
    }
}

/// The position of a sequence as CouchDB documents it: sequences are
/// opaque, but a CouchDB 1 sequence is a number and a CouchDB 2+ sequence
/// is a string that starts with the number of updates it counts
/// (`"12-g1AAAA…"`), so the leading number orders them.
func sequencePosition(_ seq: JSON) -> Int64? {
    if let number = seq.intValue { return Int64(number) }
    guard let text = seq.stringValue else { return nil }
    return Int64(text.prefix { $0.isNumber && $0.isASCII })
}

/// The `_rev` member of a document as a `RevisionID`.
func revision(of doc: JSON) -> RevisionID? {
    doc["_rev"]?.stringValue.flatMap { RevisionID($0) }
}

extension RevisionID {
    /// The revision as a JSON string, as a document's `_rev` carries it.
    var json: JSON { .string(description) }
}
