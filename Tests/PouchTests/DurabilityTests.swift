import Foundation
import TestSupport
import Testing

@testable import Pouch

/// An acknowledged write must survive the process being killed: the test
/// runs this same test binary as a child that writes batches and prints
/// `ACK n` after each `bulkDocs` returns, kills it with SIGKILL mid-stream,
/// then checks every acknowledged batch is in the file.
@Suite struct DurabilityTests {
    static let childVariable = "POUCH_DURABILITY_CHILD_PATH"
    static let batchSize = 200

    static var isChild: Bool { ProcessInfo.processInfo.environment[childVariable] != nil }

    /// The test binary, when this process is one that can be run again.
    static var testBinary: URL? {
        guard let path = CommandLine.arguments.first, path.hasSuffix(".xctest"),
            FileManager.default.isExecutableFile(atPath: path)
        else { return nil }
        return URL(fileURLWithPath: path)
    }

    @Test(.enabled(if: isChild))
    func childWritesBatchesUntilKilled() async throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let db = try Database(path: path)
        for batch in 0..<100_000 {
            let docs: [JSON] = (0..<Self.batchSize).map {
                ["_id": .string("b\(batch)-\($0)"), "batch": .int(Int64(batch))]
            }
            let results = try await db.bulkDocs(docs, newEdits: true)
            if let refused = results.first(where: { $0.error != nil })?.error { throw refused }
            FileHandle.standardOutput.write(Data("ACK \(batch)\n".utf8))
        }
    }

    @Test(.enabled(if: !isChild && testBinary != nil))
    func acknowledgedWritesSurviveSIGKILL() async throws {
        let temporary = try TemporaryDatabase(name: "durable")
        let (acknowledged, killed) = try await Self.killChild(
            running: "childWritesBatchesUntilKilled", variable: Self.childVariable,
            path: temporary.path, after: 15)
        #expect(killed)
        #expect(acknowledged >= 15)

        let reopened = try Database(path: temporary.path)
        let keys = (0...max(acknowledged, 0)).flatMap { batch in
            (0..<Self.batchSize).map { "b\(batch)-\($0)" }
        }
        let rows = try await reopened.allDocs(AllDocsOptions(keys: keys)).rows
        #expect(rows.filter { $0.error != nil }.isEmpty)
    }

    /// Runs the test `filter` in a child copy of this test binary, with
    /// `path` in the environment variable `variable`, reads its `ACK n`
    /// lines until `target`, then SIGKILLs it. Returns the highest `n`
    /// acknowledged and whether the signal ended the child. The child is
    /// awaited on a thread of its own, off Swift's pool.
    static func killChild(
        running filter: String, variable: String, path: String, after target: Int
    ) async throws -> (acknowledged: Int, killed: Bool) {
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = path
        let process = try ChildProcess(
            executable: testBinary?.path ?? "",
            arguments: ["--testing-library", "swift-testing", "--filter", filter],
            environment: environment, output: .pipe, error: .null)
        let pid = process.pid
        DispatchQueue.global().asyncAfter(deadline: .now() + 120) { kill(pid, SIGKILL) }
        return try await onThread {
            let acknowledged = process.standardOutput.map {
                readAcknowledgements(from: $0, until: target)
            }
            process.send(SIGKILL)
            process.waitUntilExit()
            return (acknowledged ?? -1, process.wasKilledBySignal)
        }
    }

    /// The highest `ACK n` read once at least `target` arrived (or the
    /// stream ended).
    static func readAcknowledgements(from output: FileHandle, until target: Int) -> Int {
        var text = ""
        var highest = -1
        while highest < target {
            let chunk = readAvailable(output)
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            for line in text.split(separator: "\n") where line.hasPrefix("ACK ") {
                highest = max(highest, Int(line.dropFirst(4)) ?? -1)
            }
            if let last = text.lastIndex(of: "\n") {
                text = String(text[text.index(after: last)...])
            }
        }
        return highest
    }
}
