import Foundation
import Pouch

/// Documents a command could not write: each is named on standard error as
/// it fails, and any at all make the command exit 1, as a script must
/// notice data that did not arrive.
enum WriteFailures {
    /// Shows the replicator's warnings, each naming a document it could not
    /// read or the target refused (too large, invalid; `forbidden` ones are
    /// `denied` events instead), as `warning: ...` lines on standard error.
    /// Its errors are left out: the command reports the
    /// error it throws. When `POUCH_LOG` chose a level, records at that
    /// level go to the standard log handler instead, as elsewhere.
    static func showReplicationWarnings(_ terminal: Terminal) {
        let chosen = ProcessInfo.processInfo.environment["POUCH_LOG"] != nil ? Log.level : nil
        Log.setHandler { record in
            let isFailure = record.level == .warning && record.subsystem == "replication"
            if let chosen {
                if chosen != .off, record.level >= chosen { Log.standardErrorHandler(record) }
            } else if isFailure {
                terminal.endProgress()
                terminal.printError("warning: \(record.message)")
            }
        }
        if let chosen, chosen < .warning { return }
        Log.level = .warning
    }

    /// Names one document the target did not store.
    static func report(_ id: String, _ error: PouchError, _ terminal: Terminal) {
        terminal.printError("failed \(id): \(error.code.rawValue): \(error.reason)")
    }

    /// Throws when `count` documents were not written (CouchDB's
    /// `doc_write_failures`), so the exit code is 1.
    static func check(_ count: Int) throws {
        guard count > 0 else { return }
        let documents = count == 1 ? "1 document was" : "\(count) documents were"
        throw PouchError(
            .init("doc_write_failures"), "\(documents) not written (named above)", status: 500)
    }
}
