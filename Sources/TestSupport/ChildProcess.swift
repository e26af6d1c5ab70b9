import Foundation
import Glibc
import Synchronization

/// A child process started with `posix_spawn`, for tests that run the
/// `pouch` executable or a system tool.
///
/// Foundation's `Process.run()` on Linux adds a close action for every
/// descriptor up to the highest one open, and crashes inside itself when a
/// test process holds thousands (as a parallel test run does). Here the
/// child inherits only what is not close-on-exec: its own standard streams,
/// and descriptors this package opens are all close-on-exec (SQLite's,
/// sockets, the pipes made here).
public final class ChildProcess: @unchecked Sendable {
    /// Where a standard stream of the child goes.
    public enum Stream: Sendable {
        /// A pipe whose other end this process holds.
        case pipe
        /// A file, appended to (created when missing).
        case file(String)
        /// `/dev/null`.
        case null
    }

    /// The child's process id.
    public let pid: pid_t
    /// The writing end of the child's standard input, when it is a pipe.
    public let standardInput: FileHandle?
    /// The reading end of the child's standard output, when it is a pipe.
    public let standardOutput: FileHandle?
    /// The reading end of the child's standard error, when it is a pipe.
    public let standardError: FileHandle?
    /// The arguments the child was started with (the executable excluded).
    public let arguments: [String]
    // Guarded by its mutex: the wait status once the child is reaped.
    private let reaped = Mutex<Int32?>(nil)

    /// Starts `executable` with `arguments` and exactly `environment`, in
    /// `directory` when given (through `/bin/sh`, which changes to it and
    /// then replaces itself with the executable).
    public init(
        executable: String, arguments: [String], environment: [String: String],
        directory: String? = nil, input: Stream = .null, output: Stream = .pipe,
        error: Stream = .pipe
    ) throws {
        self.arguments = arguments
        var argv = [executable] + arguments
        var path = executable
        if let directory {
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv
            path = "/bin/sh"
        }
        let env = environment.map { "\($0.key)=\($0.value)" }
        (pid, standardInput, standardOutput, standardError) = try spawnLock.withLock { _ in
            try ChildProcess.spawn(path, argv, env, streams: (input, output, error))
        }
    }

    deinit {
        if isRunning {
            kill(pid, SIGKILL)
            waitUntilExit()
        }
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { reap() == nil }

    /// Waits for the child to exit.
    public func waitUntilExit() {
        while reap() == nil { usleep(5_000) }
    }

    /// The exit status (after `waitUntilExit`); -1 when a signal ended it.
    public var exitStatus: Int32 {
        guard let status = reap(), status & 0x7f == 0 else { return -1 }
        return (status >> 8) & 0xff
    }

    /// Whether a signal ended the child (after `waitUntilExit`).
    public var wasKilledBySignal: Bool {
        guard let status = reap() else { return false }
        return status & 0x7f != 0 && status & 0x7f != 0x7f
    }

    /// Sends `signal` to the child, unless it has been reaped.
    public func send(_ signal: Int32) {
        reaped.withLock { status in if status == nil { _ = kill(pid, signal) } }
    }

    /// The wait status, reaping the child once it has exited; `nil` while
    /// it runs.
    private func reap() -> Int32? {
        reaped.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid else { return nil }
            reaped = status
            return status
        }
    }

    private typealias Streams = (input: Stream, output: Stream, error: Stream)

    private static func spawn(
        _ path: String, _ argv: [String], _ env: [String], streams: Streams
    ) throws -> (pid_t, FileHandle?, FileHandle?, FileHandle?) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var ours: [FileHandle?] = []
        var theirs: [Int32] = []
        for (fd, stream) in [(Int32(0), streams.input), (1, streams.output), (2, streams.error)] {
            let (mine, child) = try connect(fd, stream, &actions)
            ours.append(mine)
            if let child { theirs.append(child) }
        }
        defer { for fd in theirs { close(fd) } }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A signal this process ignores would stay ignored in the child.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnvironment: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { for pointer in cArguments + cEnvironment { free(pointer) } }
        var pid = pid_t()
        let code = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
        guard code == 0 else {
            for handle in ours { try? handle?.close() }
            throw ChildProcessError(
                "posix_spawn \(path) failed: \(String(cString: strerror(code)))")
        }
        return (pid, ours[0], ours[1], ours[2])
    }

    /// Sets up the child's descriptor `fd`: the parent's end (for a pipe)
    /// and the descriptor to close here once the child has started.
    private static func connect(
        _ fd: Int32, _ stream: Stream, _ actions: inout posix_spawn_file_actions_t
    ) throws -> (FileHandle?, Int32?) {
        switch stream {
        case .null:
            posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0)
            return (nil, nil)
        case .file(let path):
            posix_spawn_file_actions_addopen(
                &actions, fd, path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            return (nil, nil)
        case .pipe:
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw ChildProcessError("pipe failed: errno \(errno)") }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            let (childEnd, parentEnd) = fd == 0 ? (ends[0], ends[1]) : (ends[1], ends[0])
            posix_spawn_file_actions_adddup2(&actions, childEnd, fd)
            return (FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true), childEnd)
        }
    }
}

/// A child process that could not be started.
public struct ChildProcessError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// One spawn at a time, so a pipe made for one child is close-on-exec
/// before another child can start.
private let spawnLock = Mutex(())
