import Foundation
import Pouch

/// Issue 3's phases: one 100 MB attachment written with `putAttachment`
/// and read back with `getAttachment`, with the peak resident memory each
/// adds above the process's size before it (the issue wants < 1.5x the
/// attachment's size).
///
/// Each phase runs in a fresh child process (this executable run again
/// with `--attachment-step`), so no memory of the other phase (the
/// payload, pages mapped by a reader) sits in or under its baseline. The
/// peak is the child's `VmHWM` after its start-up peak was reset through
/// `/proc/self/clear_refs`; if that reset is refused, the start-up peak
/// stays in and the figure can only be too high, never too low.
enum AttachmentPhases {
    static let size = 100 * 1_048_576
    static let stepFlag = "--attachment-step"

    static func run(_ settings: PouchBench.Settings) async throws -> [PhaseResult] {
        let path = settings.directory + "/attachments.sqlite"
        let put = try inChild("put", path: path)
        let get = try inChild("get", path: path)
        return [phase("attachment put 100 MB", put), phase("attachment get 100 MB", get)]
    }

    /// One phase's figures, as a child prints them on one line.
    struct StepFigures {
        var seconds: Double
        /// The peak resident bytes above `baseline`.
        var peak: Int
        /// The resident bytes when the phase started.
        var baseline: Int

        var line: String { "\(stepFlag) \(seconds) \(peak) \(baseline)" }

        init(seconds: Double, peak: Int, baseline: Int) {
            (self.seconds, self.peak, self.baseline) = (seconds, peak, baseline)
        }

        init?(line: Substring) {
            let fields = line.split(separator: " ")
            guard fields.count == 4, fields[0] == stepFlag, let seconds = Double(fields[1]),
                let peak = Int(fields[2]), let baseline = Int(fields[3])
            else { return nil }
            self.init(seconds: seconds, peak: peak, baseline: baseline)
        }
    }

    /// In the child: runs step `put` or `get` on the database at `path`
    /// and prints its figures.
    static func runStep(_ arguments: [String]) async throws {
        guard arguments.count == 2 else { throw BenchError("\(stepFlag) put|get PATH") }
        let database = try Database(path: arguments[1])
        let figures: StepFigures
        switch arguments[0] {
        case "put":
            // The caller's payload is in the baseline: it is the input.
            let payload = randomPayload()
            figures = try await withPeak {
                try await database.putAttachment(
                    docID: "big", name: "blob.bin", rev: nil, data: payload,
                    contentType: "application/octet-stream")
            }
            // Moves the body from the WAL into the main file (compaction
            // ends with a checkpoint), where a later read finds it: the
            // state a database settles in, and the dearer one to read.
            try await database.compact()
        case "get":
            figures = try await withPeak {
                let data = try await database.getAttachment(
                    docID: "big", name: "blob.bin", rev: nil
                ).data
                guard data.count == size else { throw BenchError("read \(data.count) bytes") }
            }
        default:
            throw BenchError("unknown step \(arguments[0])")
        }
        print(figures.line)
    }

    /// Runs this executable again for `step` and reads its figures.
    private static func inChild(_ step: String, path: String) throws -> StepFigures {
        let process = Process()
        let executable = try FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [stepFlag, step, path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(
            decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let figures = text.split(separator: "\n").compactMap(StepFigures.init).last
        else { throw BenchError("the \(step) step failed: \(text)") }
        return figures
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

    /// Runs `body`, returning its time and the peak resident memory it
    /// added above the size before it started.
    private static func withPeak(_ body: () async throws -> Void) async throws -> StepFigures {
        ProcessMemory.resetPeak()
        let baseline = ProcessMemory.current()
        let (_, seconds) = try await measure(body)
        return StepFigures(
            seconds: seconds, peak: ProcessMemory.peak() - baseline, baseline: baseline)
    }

    private static func phase(_ name: String, _ figures: StepFigures) -> PhaseResult {
        PhaseResult(
            name: name, items: 100, seconds: figures.seconds, unit: "MB",
            extra: [
                ("baseline_mb", ProcessMemory.megabytes(figures.baseline)),
                ("peak_above_baseline_mb", ProcessMemory.megabytes(figures.peak)),
                ("peak_over_size", String(format: "%.2f", Double(figures.peak) / Double(size))),
            ])
    }
}
