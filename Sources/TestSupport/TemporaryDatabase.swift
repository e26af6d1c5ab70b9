import Foundation
import Pouch

/// A database in a fresh temporary directory, removed with everything in it
/// when this value is released.
public final class TemporaryDatabase: Sendable {
    /// The open database.
    public let database: Database
    /// The directory holding the database file.
    public let directory: URL

    /// Creates a directory under the system's temporary directory and opens
    /// `name.sqlite` in it.
    public init(name: String = "test") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pouch-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try Database(path: directory.appendingPathComponent("\(name).sqlite").path)
    }

    /// The database file's path.
    public var path: String { database.path ?? "" }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }
}
