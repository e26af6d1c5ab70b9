import Foundation
import Glibc
import Pouch

/// Reads a password without putting it on the command line (where `ps`
/// shows it): from an environment variable, or typed at the terminal with
/// echo turned off.
enum PasswordPrompt {
    /// The password of `user`, from `variable` or else a prompt.
    static func password(for user: String, variable: String = "POUCH_PASSWORD") throws -> String {
        if let password = ProcessInfo.processInfo.environment[variable] {
            return password
        }
        guard isatty(STDIN_FILENO) == 1 else {
            throw UsageError("set \(variable) or run on a terminal to be asked")
        }
        FileHandle.standardError.write(Data("Password for \(user): ".utf8))
        let password = readWithoutEcho()
        FileHandle.standardError.write(Data("\n".utf8))
        return password
    }

    /// One line from standard input with the terminal's echo off, restored
    /// afterwards.
    private static func readWithoutEcho() -> String {
        var original = termios()
        tcgetattr(STDIN_FILENO, &original)
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer { tcsetattr(STDIN_FILENO, TCSAFLUSH, &original) }
        return readLine(strippingNewline: true) ?? ""
    }
}
