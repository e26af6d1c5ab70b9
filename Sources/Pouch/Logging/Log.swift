import Foundation
import Synchronization

/// How much a log line matters.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case trace, debug, info, warning, error, off

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses `trace`, `debug`, `info`, `warning` (or `warn`), `error` or `off`.
    public init?(name: String) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error": self = .error
        case "off", "none": self = .off
        default: return nil
        }
    }
}

/// One line handed to the log handler.
public struct LogRecord: Sendable {
    public var level: LogLevel
    public var subsystem: String
    public var message: String
    public var date: Date
}

/// The logging facade: silent by default; an app sets a level and, if it
/// wants, its own handler. Messages are built only when their level is on.
public enum Log {
    private struct State: Sendable {
        var level: LogLevel = .off
        var handler: @Sendable (LogRecord) -> Void = Log.standardErrorHandler
    }

    private static let state = Mutex(State())

    /// The least level that is written; `.off` (the default) writes nothing.
    public static var level: LogLevel {
        get { state.withLock { $0.level } }
        set { state.withLock { $0.level = newValue } }
    }

    /// Replaces where records go (standard error by default).
    public static func setHandler(_ handler: @escaping @Sendable (LogRecord) -> Void) {
        state.withLock { $0.handler = handler }
    }

    /// Writes `record` as one line to standard error.
    public static let standardErrorHandler: @Sendable (LogRecord) -> Void = { record in
        let stamp = ISO8601DateFormatter.string(
            from: record.date, timeZone: .gmt, formatOptions: [.withInternetDateTime])
        let line = "\(stamp) [\(record.level)] \(record.subsystem): \(record.message)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func emit(_ level: LogLevel, _ subsystem: String, _ message: () -> String) {
        let (current, handler) = state.withLock { ($0.level, $0.handler) }
        guard current != .off, level >= current else { return }
        handler(LogRecord(level: level, subsystem: subsystem, message: message(), date: Date()))
    }

    /// Whether a record at `level` would be written.
    public static func isEnabled(_ level: LogLevel) -> Bool {
        let current = self.level
        return current != .off && level >= current
    }
}

/// A named source of log lines, such as `storage` or `replication`.
public struct Logger: Sendable {
    public let subsystem: String

    public init(_ subsystem: String) { self.subsystem = subsystem }

    public func trace(_ message: @autoclosure () -> String) { Log.emit(.trace, subsystem, message) }
    public func debug(_ message: @autoclosure () -> String) { Log.emit(.debug, subsystem, message) }
    public func info(_ message: @autoclosure () -> String) { Log.emit(.info, subsystem, message) }
    public func warning(_ message: @autoclosure () -> String) {
        Log.emit(.warning, subsystem, message)
    }
    public func error(_ message: @autoclosure () -> String) { Log.emit(.error, subsystem, message) }
}

extension Logger {
    static let storage = Logger("storage")
    static let changes = Logger("changes")
    static let http = Logger("http")
    static let replication = Logger("replication")
}

/// Removes the password (and user name) from a URL's text before it is
/// logged or shown: `https://u:secret@host/db` becomes `https://u:***@host/db`.
public func redactingPassword(_ url: String) -> String {
    guard let schemeEnd = url.range(of: "://") else { return url }
    let rest = url[schemeEnd.upperBound...]
    let authorityEnd =
        rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
    let authority = rest[..<authorityEnd]
    guard let at = authority.lastIndex(of: "@") else { return url }
    let userInfo = authority[..<at]
    let user = userInfo.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
    let hasPassword = userInfo.contains(":")
    let redacted = hasPassword ? "\(user):***" : user
    return String(url[..<schemeEnd.upperBound]) + redacted + String(rest[at...])
}

/// `redactingPassword` applied to a URL.
public func redactingPassword(_ url: URL) -> String {
    redactingPassword(url.absoluteString)
}
