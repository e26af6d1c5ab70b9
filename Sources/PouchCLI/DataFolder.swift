import Foundation
import Pouch

/// The folder a `--data` option names, checked before anything is written
/// to it, so a path that is a regular file is reported by name rather
/// than as a Foundation error.
enum DataFolder {
    /// Throws `bad_request` when `path` exists and is not a folder.
    static func check(_ path: String, option: String = "--data") throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else {
            throw PouchError.badRequest("\(option) \(path) is a file, not a folder")
        }
    }

    /// Checks `path` and creates the folder (and its parents) if missing.
    static func create(_ path: String, option: String = "--data") throws {
        try check(path, option: option)
        do {
            try FileManager.default.createDirectory(
                atPath: path, withIntermediateDirectories: true)
        } catch {
            let reason = (error as NSError).localizedDescription
            throw PouchError.badRequest("cannot create the \(option) folder \(path): \(reason)")
        }
    }
}
