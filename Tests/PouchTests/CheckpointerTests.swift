import Foundation
import Testing

@testable import Pouch

/// CouchDB's comparison of the source and target replication logs.
@Suite struct CheckpointerTests {
    static func entry(_ session: String, _ seq: Int64) -> JSON {
        ["session_id": .string(session), "recorded_seq": .int(seq)]
    }

    static func log(_ session: String, _ seq: Int64, _ history: [JSON]) -> JSON {
        ["session_id": .string(session), "source_last_seq": .int(seq), "history": .array(history)]
    }

    @Test func missingLogStartsFromScratch() {
        let log = Self.log("s1", 9, [Self.entry("s1", 9)])
        #expect(Checkpointer.startSequence(sourceLog: log, targetLog: nil).seq == nil)
        #expect(Checkpointer.startSequence(sourceLog: nil, targetLog: log).seq == nil)
    }

    @Test func matchingSessionsResumeFromSourceLastSeq() {
        let source = Self.log("s2", 12, [Self.entry("s2", 12), Self.entry("s1", 5)])
        let target = Self.log("s2", 12, [Self.entry("s2", 10)])
        #expect(Checkpointer.startSequence(sourceLog: source, targetLog: target).seq == 12)
    }

    @Test func differentSessionsResumeFromTheNewestSessionBothRecorded() {
        // The target missed session s3 (its write failed); both know s2.
        let source = Self.log(
            "s3", 30, [Self.entry("s3", 30), Self.entry("s2", 20), Self.entry("s1", 10)])
        let target = Self.log("s2", 20, [Self.entry("s2", 20), Self.entry("s1", 10)])
        #expect(Checkpointer.startSequence(sourceLog: source, targetLog: target).seq == 20)

        // The source missed s3 this time.
        let target2 = Self.log(
            "s3", 30, [Self.entry("s3", 30), Self.entry("s2", 20), Self.entry("s1", 10)])
        let source2 = Self.log("s2", 20, [Self.entry("s2", 20), Self.entry("s1", 10)])
        #expect(Checkpointer.startSequence(sourceLog: source2, targetLog: target2).seq == 20)
    }

    @Test func noCommonSessionStartsFromScratch() {
        let source = Self.log("a", 3, [Self.entry("a", 3)])
        let target = Self.log("b", 4, [Self.entry("b", 4)])
        #expect(Checkpointer.startSequence(sourceLog: source, targetLog: target).seq == nil)
    }

    @Test func documentKeepsAShortHistoryNewestFirst() {
        let peer = MemoryPeerStub()
        var checkpointer = Checkpointer(
            source: peer, target: peer, id: ReplicationID(source: "a", target: "b", filter: .none),
            historyLimit: 2, sessionID: "new")
        let old = Self.log("old", 4, [Self.entry("old", 4), Self.entry("older", 2)])
        checkpointer.adoptForTesting(history: old["history"]!.arrayValue!, startSeq: 4)
        var progress = ReplicationProgress()
        progress.docsRead = 3
        progress.docsWritten = 2
        progress.docWriteFailures = 1
        let doc = checkpointer.document(seq: 9, progress: progress)
        #expect(doc["session_id"] == "new")
        #expect(doc["source_last_seq"] == 9)
        #expect(doc["replication_id_version"] == 1)
        let history = doc["history"]?.arrayValue ?? []
        #expect(history.map { $0["session_id"] } == ["new", "old"])
        #expect(history[0]["start_last_seq"] == 4)
        #expect(history[0]["recorded_seq"] == 9)
        #expect(history[0]["docs_read"] == 3)
        #expect(history[0]["docs_written"] == 2)
        #expect(history[0]["doc_write_failures"] == 1)
        let keys = ["start_time", "end_time", "end_last_seq", "missing_checked", "missing_found"]
        for key in keys { #expect(history[0][key] != nil, "missing \(key)") }
    }

    @Test func httpDateIsRFC1123() {
        let date = Date(timeIntervalSince1970: 0)
        #expect(Checkpointer.httpDate(date) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

/// A peer that is never called.
private struct MemoryPeerStub: ReplicationPeer {
    var identity: String { "stub" }
    func info() async throws -> DatabaseInfo { throw PouchError.notFound() }
    func changes(_ options: ChangesOptions) async throws -> ChangesResponse {
        throw PouchError.notFound()
    }
    func revsDiff(_ revisions: [String: [RevisionID]]) async throws -> [String: RevsDiffResult] {
        [:]
    }
    func bulkGet(
        _ requests: [BulkGetRequest], options: BulkGetOptions
    ) async throws -> [BulkGetResult] { [] }
    func bulkDocs(_ docs: [JSON], newEdits: Bool) async throws -> [BulkDocsResult] { [] }
    func localDocument(_ id: String) async throws -> JSON? { nil }
    func putLocalDocument(_ doc: JSON) async throws -> WriteResult {
        throw PouchError.notFound()
    }
}
