import Foundation
import Glibc
import Pouch
import Synchronization
import TestSupport
import Testing

/// Kills `pouch serve` with SIGKILL while a client keeps sending
/// `_bulk_docs` writes, then reopens the database file: SQLite must find it
/// intact (`PRAGMA integrity_check` answers `ok`) and every write the server
/// acknowledged with 201 must be there, as `Database` documents promise
/// (WAL mode: an acknowledged write survives the process being killed).
@Suite struct DurabilityTests {
    static let batchSize = 100

    /// The ids the server has acknowledged, shared with the writer thread.
    final class Acknowledged: Sendable {
        let ids = Mutex<[String]>([])
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How many acknowledged batches to wait for before the kill.
    @Test(arguments: [1, 4, 9, 15])
    func acknowledgedWritesSurviveSIGKILL(batchesBeforeKill: Int) async throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let target = batchesBeforeKill * Self.batchSize
        let (ids, killed) = try await onThread {
            try Self.writeUntilKilled(runner, acknowledgedBeforeKill: target)
        }
        #expect(killed)
        #expect(ids.count >= target)
        let file = runner.path("data/bulk.sqlite")
        let database = try Database(path: file)
        #expect(try await database.integrityCheck() == ["ok"])
        let stored = Set(try await database.allDocs().rows.compactMap(\.id))
        let missing = Set(ids).subtracting(stored)
        #expect(missing.isEmpty, "\(missing.count) acknowledged documents lost")
        // Nothing but what was sent is stored: at most the batch in flight
        // at the kill may be there without its acknowledgement.
        #expect(stored.count - ids.count <= Self.batchSize)
    }

    /// Starts `pouch serve`, keeps a client writing batches on another
    /// thread, SIGKILLs the server once `count` documents are acknowledged,
    /// and returns the acknowledged ids and whether a signal ended it.
    static func writeUntilKilled(
        _ runner: CommandRunner, acknowledgedBeforeKill count: Int
    ) throws -> ([String], Bool) {
        let serve = try ServeProcess(runner, ["--data", runner.path("data"), "--port", "0"])
        let port = try serve.readListeningPort()
        guard try ServeCommandTests.send(port, "PUT /bulk").status == 201 else {
            throw Failure(description: "cannot create the database")
        }
        let acknowledged = Acknowledged()
        let writer = Thread {
            var batch = 0
            while let ids = try? Self.writeBatch(port, number: batch) {
                acknowledged.ids.withLock { $0 += ids }
                batch += 1
            }
        }
        writer.start()
        while acknowledged.ids.withLock({ $0.count }) < count && serve.process.isRunning {
            usleep(500)
        }
        serve.send(SIGKILL)
        let reason = try serve.blockUntilExit()
        while !writer.isFinished { usleep(1_000) }
        return (acknowledged.ids.withLock { $0 }, reason == .signal)
    }

    /// Sends batch `number` and returns its ids when the server answers 201
    /// with `ok` for each; throws when the connection fails.
    static func writeBatch(_ port: Int, number: Int) throws -> [String] {
        let ids = (0..<batchSize).map { String(format: "b%05d-%03d", number, $0) }
        let docs = ids.map { id in
            #"{"_id":"\#(id)","batch":\#(number),"padding":"\#(String(repeating: "x", count: 200))"}"#
        }
        let body = #"{"docs":[\#(docs.joined(separator: ","))]}"#
        let response = try ServeCommandTests.send(port, "POST /bulk/_bulk_docs", body: body)
        guard response.status == 201, case .array(let results) = try response.json,
            results.count == ids.count,
            results.allSatisfy({ $0["ok"] == true })
        else { throw Failure(description: response.text) }
        return ids
    }
}
