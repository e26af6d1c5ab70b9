import Foundation

/// Reads and writes a replication's checkpoint, the `_local/<replication
/// id>` document CouchDB's replicator keeps on both the source and the
/// target, and finds where a replication resumes.
///
/// A checkpoint holds `session_id`, `source_last_seq`,
/// `replication_id_version` and a short `history` of sessions, newest first.
/// It is written only for a sequence whose whole batch is stored on the
/// target.
struct Checkpointer: Sendable {
    let source: any ReplicationPeer
    let target: any ReplicationPeer
    let id: ReplicationID
    let sessionID: String
    let startTime: Date
    let historyLimit: Int

    /// Where this session started, `nil` for the beginning.
    private(set) var startSeq: JSON?
    private var history: [JSON] = []
    private var sourceRev: JSON?
    private var targetRev: JSON?

    init(
        source: any ReplicationPeer, target: any ReplicationPeer, id: ReplicationID,
        historyLimit: Int, sessionID: String = UUID().uuidString.lowercased()
    ) {
        self.source = source
        self.target = target
        self.id = id
        self.sessionID = sessionID
        self.startTime = Date()
        self.historyLimit = max(1, historyLimit)
    }

    /// Reads both checkpoints and returns the sequence to resume after, or
    /// `nil` to start from the beginning.
    mutating func read() async throws -> JSON? {
        let sourceLog = try await source.localDocument(id.checkpointID)
        let targetLog = try await target.localDocument(id.checkpointID)
        sourceRev = sourceLog?["_rev"]
        targetRev = targetLog?["_rev"]

        let start = Checkpointer.startSequence(sourceLog: sourceLog, targetLog: targetLog)
        startSeq = start.seq
        history = start.history
        return start.seq
    }

    /// CouchDB's comparison of the two replication logs: when their
    /// `session_id`s match, resume from `source_last_seq`; otherwise resume
    /// from the `recorded_seq` of the most recent session found in both
    /// histories; otherwise start from scratch.
    static func startSequence(
        sourceLog: JSON?, targetLog: JSON?
    ) -> (seq: JSON?, history: [JSON]) {
        guard let sourceLog, let targetLog else { return (nil, []) }
        let sourceHistory = sourceLog["history"]?.arrayValue ?? []
        if let session = sourceLog["session_id"], session == targetLog["session_id"] {
            return (sourceLog["source_last_seq"], sourceHistory)
        }
        let targetHistory = targetLog["history"]?.arrayValue ?? []
        return (commonSequence(sourceHistory[...], targetHistory[...]), sourceHistory)
    }

    /// Walks both histories from the newest entry, looking for a session
    /// the other side also recorded.
    private static func commonSequence(
        _ sourceHistory: ArraySlice<JSON>, _ targetHistory: ArraySlice<JSON>
    ) -> JSON? {
        guard let sourceEntry = sourceHistory.first, let targetEntry = targetHistory.first else {
            return nil
        }
        if contains(sourceEntry["session_id"], in: targetHistory) {
            return sourceEntry["recorded_seq"]
        }
        if contains(targetEntry["session_id"], in: sourceHistory.dropFirst()) {
            return targetEntry["recorded_seq"]
        }
        return commonSequence(sourceHistory.dropFirst(), targetHistory.dropFirst())
    }

    private static func contains(_ session: JSON?, in history: ArraySlice<JSON>) -> Bool {
        guard let session, !session.isNull else { return false }
        return history.contains { $0["session_id"] == session }
    }

    /// Sets what `read()` would have found, for tests of `document`.
    mutating func adoptForTesting(history: [JSON], startSeq: JSON?) {
        self.history = history
        self.startSeq = startSeq
    }

    /// The checkpoint document for `seq`, without `_id` and `_rev`.
    func document(seq: JSON, progress: ReplicationProgress, now: Date = Date()) -> JSON {
        let entry: JSON = [
            "session_id": .string(sessionID),
            "start_time": .string(Checkpointer.httpDate(startTime)),
            "end_time": .string(Checkpointer.httpDate(now)),
            "start_last_seq": startSeq ?? .int(0),
            "end_last_seq": seq,
            "recorded_seq": seq,
            "missing_checked": .int(Int64(progress.missingChecked)),
            "missing_found": .int(Int64(progress.missingFound)),
            "docs_read": .int(Int64(progress.docsRead)),
            "docs_written": .int(Int64(progress.docsWritten)),
            "doc_write_failures": .int(Int64(progress.docWriteFailures)),
        ]
        let kept = history.filter { $0["session_id"] != .string(sessionID) }
        return [
            "session_id": .string(sessionID),
            "source_last_seq": seq,
            "replication_id_version": .int(Int64(ReplicationID.version)),
            "history": .array([entry] + kept.prefix(historyLimit - 1)),
        ]
    }

    /// Writes the checkpoint for `seq` on the source, then on the target.
    mutating func write(seq: JSON, progress: ReplicationProgress) async throws {
        let body = document(seq: seq, progress: progress)
        sourceRev = try await Checkpointer.put(
            body, id: id.checkpointID, rev: sourceRev, on: source)
        targetRev = try await Checkpointer.put(
            body, id: id.checkpointID, rev: targetRev, on: target)
    }

    /// Puts a checkpoint over revision `rev`; on a conflict (another writer,
    /// or an answer lost after the write) reads the current revision and
    /// tries once more.
    private static func put(
        _ body: JSON, id: String, rev: JSON?, on peer: any ReplicationPeer
    ) async throws -> JSON {
        do {
            return try await putOnce(body, id: id, rev: rev, on: peer)
        } catch let error as PouchError where error.code == .conflict {
            let current = try await peer.localDocument(id)?["_rev"]
            return try await putOnce(body, id: id, rev: current, on: peer)
        }
    }

    private static func putOnce(
        _ body: JSON, id: String, rev: JSON?, on peer: any ReplicationPeer
    ) async throws -> JSON {
        var doc: JSON = ["_id": .string(id)]
        if let rev { doc["_rev"] = rev }
        for (key, value) in body.objectValue ?? JSONObject() { doc[key] = value }
        return .string(try await peer.putLocalDocument(doc).rev.description)
    }

    /// A date as CouchDB writes `start_time` and `end_time` (RFC 1123).
    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}
