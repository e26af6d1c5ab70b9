import Foundation
import Pouch

/// A live changes feed served over HTTP: a long poll answers once a change
/// arrives (or the timeout passes); a continuous feed writes one line per
/// change as they come, newlines as heartbeats, and ends with `last_seq`.
struct ChangesFeed: Sendable {
    let database: any ServedDatabase
    let options: ChangesOptions
    /// Milliseconds to wait for a change; ignored with a heartbeat.
    let timeout: Int
    /// Milliseconds between heartbeat newlines; the feed then runs until
    /// the client leaves.
    let heartbeat: Int?

    /// How often a database that signals no commits is looked at for a
    /// new sequence.
    static let pollInterval: Duration = .milliseconds(50)

    /// Waits until a batch has rows or the timeout passes.
    func longPoll(_ writer: (any ResponseBodyWriter)? = nil) async throws -> ChangesResponse {
        var options = try await startingOptions()
        var deadline = ContinuousClock.now + .milliseconds(heartbeat ?? timeout)
        while true {
            let seen = try await database.info().updateSeq
            let batch = try await database.changes(options)
            if !batch.results.isEmpty { return batch }
            options.since = .sequence(batch.lastSeq)
            if try await waitForChange(after: seen, until: deadline) { continue }
            guard let writer else { return batch }
            try writer.write([0x0A])
            deadline = ContinuousClock.now + .milliseconds(heartbeat ?? timeout)
        }
    }

    /// A long poll written to a stream, heartbeats first.
    func longPoll(_ writer: any ResponseBodyWriter) async throws {
        let batch = try await longPoll(Optional(writer))
        var bytes = batch.serializedBytes()
        bytes.append(0x0A)
        try writer.write(bytes)
    }

    /// How a live feed writes changes, heartbeats and its end.
    enum Framing: Sendable {
        /// `feed=continuous`: one JSON line per change, a newline as
        /// heartbeat, a final `{"last_seq", "pending"}` line.
        case lines
        /// `feed=eventsource` (Server-Sent Events), as CouchDB writes it:
        /// `data: CHANGE` and `id: SEQ` per change, `event: heartbeat` with
        /// empty data as heartbeat, nothing at the end.
        case eventSource
    }

    /// Writes changes as they come until the limit, the timeout (without a
    /// heartbeat: the time to wait for the next change, as CouchDB counts
    /// it), the client leaving or the database being deleted; then, for
    /// `lines`, the `last_seq` line.
    func continuous(_ writer: any ResponseBodyWriter, framing: Framing = .lines) async throws {
        var options = try await startingOptions()
        var remaining = options.limit
        var lastSeq: JSON = .null
        var deadline = ContinuousClock.now + .milliseconds(heartbeat ?? timeout)
        while remaining ?? 1 > 0 {
            guard let (seen, batch) = try await nextBatch(options, isFirst: lastSeq == .null)
            else { break }
            for change in batch.results { try write(change.json, framing, to: writer) }
            lastSeq = batch.lastSeq
            options.since = .sequence(batch.lastSeq)
            remaining = remaining.map { $0 - batch.results.count }
            if !batch.results.isEmpty {
                deadline = ContinuousClock.now + .milliseconds(heartbeat ?? timeout)
                continue
            }
            if try await waitForChange(after: seen, until: deadline) { continue }
            guard heartbeat != nil else { break }
            try writer.write(
                framing == .lines ? [0x0A] : Array("event: heartbeat\ndata: \n\n".utf8))
            deadline = ContinuousClock.now + .milliseconds(heartbeat ?? timeout)
        }
        if framing == .lines { try writeLine(["last_seq": lastSeq, "pending": 0], to: writer) }
    }

    /// The update sequence and the next batch of changes; `nil` once the
    /// database has been deleted under a feed already running, which then
    /// ends as CouchDB ends it (normally, not cut off).
    private func nextBatch(
        _ options: ChangesOptions, isFirst: Bool
    ) async throws -> (JSON, ChangesResponse)? {
        do {
            let seen = try await database.info().updateSeq
            return (seen, try await database.changes(options))
        } catch let error as PouchError where !isFirst && error.status == 404 {
            return nil
        }
    }

    private func write(
        _ change: JSON, _ framing: Framing, to writer: any ResponseBodyWriter
    ) throws {
        switch framing {
        case .lines:
            try writeLine(change, to: writer)
        case .eventSource:
            let seq = change["seq"] ?? .null
            var bytes = Array("data: ".utf8) + change.serializedBytes()
            bytes += Array("\nid: ".utf8) + seq.serializedBytes() + Array("\n\n".utf8)
            try writer.write(bytes)
        }
    }

    /// The options with `since=now` replaced by the current sequence, so a
    /// later request continues from it.
    private func startingOptions() async throws -> ChangesOptions {
        var options = self.options
        if case .now = options.since {
            options.since = .sequence(try await database.info().updateSeq)
        }
        return options
    }

    /// Waits until the update sequence differs from `seen` (true) or the
    /// deadline passes (false): woken by the database's commits when it
    /// signals them, by polling every `pollInterval` otherwise. Commits
    /// made by another process (a `pouch` command on the same file) send no
    /// signal here, so the sequence is also looked at every
    /// `signalledPollInterval`.
    private func waitForChange(
        after seen: JSON, until deadline: ContinuousClock.Instant
    )
        async throws -> Bool
    {
        while true {
            // A stream that stopped waiting is spent: each round subscribes
            // anew.
            guard let commits = database.commitSignals() else {
                return try await pollForChange(after: seen, until: deadline)
            }
            // Subscribed first, so a commit after this read is not missed.
            if try await hasMoved(from: seen) { return true }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            // A stream that ends (its database destroyed) counts as a
            // change, so the caller looks at the database again.
            let wait = await commits.firstCommit(within: min(left, Self.signalledPollInterval))
            try Task.checkCancellation()
            if wait != .timedOut { return true }
        }
    }

    /// How often a database that signals its commits is still looked at,
    /// for writes by other processes.
    static let signalledPollInterval: Duration = .seconds(1)

    /// Whether the update sequence is no longer `seen`; a database deleted
    /// meanwhile counts as moved, so the feed's next read finds it gone.
    private func hasMoved(from seen: JSON) async throws -> Bool {
        do {
            return try await database.info().updateSeq != seen
        } catch let error as PouchError where error.status == 404 {
            return true
        }
    }

    private func pollForChange(
        after seen: JSON, until deadline: ContinuousClock.Instant
    ) async throws -> Bool {
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            try await Task.sleep(for: min(Self.pollInterval, left))
            if try await hasMoved(from: seen) { return true }
        }
        return false
    }

    private func writeLine(_ json: JSON, to writer: any ResponseBodyWriter) throws {
        var bytes = json.serializedBytes()
        bytes.append(0x0A)
        try writer.write(bytes)
    }
}
