import Foundation
import Pouch
import TestSupport

/// A fresh folder under the system temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "pouch-cht-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `relative`, making folders as needed; returns the path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let file = path + "/" + relative
        let folder = (file as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: file))
        return file
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs a tool (tar, gzip) in `folder` and fails if it exits non-zero.
func run(_ tool: String, _ arguments: [String], in folder: String) throws {
    let process = try ChildProcess(
        executable: tool, arguments: arguments, environment: ProcessInfo.processInfo.environment,
        directory: folder, output: .null, error: .null)
    process.waitUntilExit()
    guard process.exitStatus == 0 else {
        throw PouchError.badRequest("\(tool) \(arguments) exited \(process.exitStatus)")
    }
}

/// The ids of documents, in order.
func ids(_ documents: [JSON]) -> [String] {
    documents.map { $0["_id"]?.stringValue ?? "?" }
}
