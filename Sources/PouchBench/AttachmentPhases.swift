import Foundation
import Pouch

/// Issue 3's phases: one 100 MB attachment written with `putAttachment`
/// and read back with `getAttachment`, with the peak resident memory each
/// adds above the process's size before it (the issue wants < 1.5x the
/// attachment's size).
enum AttachmentPhases {
    static let size = 100 * 1_048_576

    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let database = try Database(path: settings.directory + "/attachments.sqlite")
        let writeResult: PhaseResult
        do {
            // The payload lives only in this scope, so the read below starts
            // from a baseline without it.
            let payload = randomPayload()
            let (_, seconds, peak) = try await withPeak {
                try await database.putAttachment(
                    docID: "big", name: "blob.bin", rev: nil, data: payload,
                    contentType: "application/octet-stream")
            }
            writeResult = phase("attachment put 100 MB", seconds, peak)
        }
        let (bytes, readSeconds, readPeak) = try await withPeak {
            try await database.getAttachment(docID: "big", name: "blob.bin", rev: nil).data.count
        }
        guard bytes == size else { throw BenchError("read back \(bytes) bytes") }
        return [writeResult, phase("attachment get 100 MB", readSeconds, readPeak)]
    }

    /// `size` bytes from a xorshift generator, so no layer can compress them.
    private static func randomPayload() -> Data {
        var data = Data(count: size)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[index] = state
            }
        }
        return data
    }

    /// Runs `body`, returning its value, its time and the peak resident
    /// memory it added above the size before it started.
    private static func withPeak<T>(
        _ body: () async throws -> T
    ) async throws -> (T, Double, Int) {
        ProcessMemory.resetPeak()
        let baseline = ProcessMemory.current()
        let (value, seconds) = try await measure(body)
        return (value, seconds, ProcessMemory.peak() - baseline)
    }

    private static func phase(_ name: String, _ seconds: Double, _ peak: Int) -> PhaseResult {
        PhaseResult(
            name: name, items: 100, seconds: seconds, unit: "MB",
            extra: [
                ("peak_above_baseline_mb", ProcessMemory.megabytes(peak)),
                ("peak_over_size", String(format: "%.2f", Double(peak) / Double(size))),
            ])
    }
}
