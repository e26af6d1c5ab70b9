import Foundation
import Glibc
import Pouch

/// Where the command writes: results to standard output, progress and
/// errors to standard error; a progress bar only when on a terminal.
struct Terminal: Sendable {
    /// Whether standard error is a terminal, so a progress bar can be drawn.
    let showsProgress: Bool

    init() {
        showsProgress = isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) == 1
    }

    /// Writes `text` and a newline to standard output.
    func print(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to standard error.
    func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints a command's closing summary: with `--json` as one JSON line on
    /// standard output, else as `text` on standard error for a reader, so
    /// standard output carries only JSON.
    func summary(_ json: JSON, text: String, asJSON: Bool) {
        asJSON ? print(json.serialized()) : printError(text)
    }

    /// Redraws the progress line: a bar when `total` is known, a count
    /// otherwise. Does nothing when not on a terminal.
    func progress(_ label: String, done: Int, total: Int?) {
        guard showsProgress else { return }
        var line = "\r\u{1B}[2K\(label) "
        if let total, total > 0 {
            let width = 30
            let filled = min(width, done * width / total)
            line += "[" + String(repeating: "#", count: filled)
            line += String(repeating: ".", count: width - filled) + "] \(done)/\(total)"
        } else {
            line += "\(done)"
        }
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the progress line so later output starts on a fresh line.
    func endProgress() {
        guard showsProgress else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
