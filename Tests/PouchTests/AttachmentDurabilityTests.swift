import Foundation
import TestSupport
import Testing

@testable import Pouch

/// An acknowledged `putAttachment` must survive the process being killed,
/// now that its body is written in chunks after the row is inserted: a
/// child (this test binary run again) stores bodies larger than one chunk
/// and prints `ACK n` after each call returns; the test kills it with
/// SIGKILL and reads every acknowledged body back byte for byte.
@Suite struct AttachmentDurabilityTests {
    static let childVariable = "POUCH_ATTACHMENT_DURABILITY_CHILD_PATH"

    static var isChild: Bool { ProcessInfo.processInfo.environment[childVariable] != nil }

    /// Body `n`: one chunk and 4,099 bytes, byte `i` being `(i + 13n) mod 256`.
    static func body(_ n: Int) -> Data {
        var bytes = [UInt8](repeating: 0, count: Connection.blobChunkSize + 4_099)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index + 13 * n) }
        return Data(bytes)
    }

    @Test(.enabled(if: isChild))
    func childPutsAttachmentsUntilKilled() async throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let db = try Database(path: path)
        for n in 0..<100_000 {
            try await db.putAttachment(
                docID: "a\(n)", name: "body.bin", rev: nil, data: Self.body(n),
                contentType: "application/octet-stream")
            FileHandle.standardOutput.write(Data("ACK \(n)\n".utf8))
        }
    }

    @Test(.enabled(if: !isChild && DurabilityTests.testBinary != nil))
    func acknowledgedAttachmentsSurviveSIGKILL() async throws {
        let temporary = try TemporaryDatabase(name: "durable-attachments")
        let (acknowledged, killed) = try await DurabilityTests.killChild(
            running: "childPutsAttachmentsUntilKilled", variable: Self.childVariable,
            path: temporary.path, after: 8)
        #expect(killed)
        #expect(acknowledged >= 8)

        let reopened = try Database(path: temporary.path)
        for n in 0...max(acknowledged, 0) {
            let read = try await reopened.getAttachment(docID: "a\(n)", name: "body.bin", rev: nil)
            #expect(read.data == Self.body(n), "body \(n)")
        }
        #expect(try await reopened.integrityCheck() == ["ok"])
    }
}
