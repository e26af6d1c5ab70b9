// Follows a database's changes feed live and prints each change as it
// happens, until interrupted (Ctrl-C).
//
//   ChangesWatcher notes.sqlite                    a local file
//   ChangesWatcher http://127.0.0.1:5984/notes     a CouchDB database
//
// Add `--since now` to skip what is already there.
import Foundation
import Pouch

let arguments = Array(CommandLine.arguments.dropFirst())
guard let target = arguments.first else {
    print("usage: ChangesWatcher FILE|URL [--since now]")
    exit(2)
}
var options = ChangesOptions()
options.includeDocs = true
if arguments.dropFirst().elementsEqual(["--since", "now"]) { options.since = .now }

/// Prints one change: sequence, id, winning revision, and deletion.
func show(_ change: Change) {
    let rev = change.changes.first?.description ?? ""
    let deleted = change.isDeleted ? " (deleted)" : ""
    print("\(change.seq.serialized())  \(change.id)  \(rev)\(deleted)")
}

do {
    if target.hasPrefix("http://") || target.hasPrefix("https://"),
        let url = URL(string: target)
    {
        for try await change in RemoteDatabase(url: url).liveChanges(options) { show(change) }
    } else {
        for try await change in try Database(path: target).liveChanges(options) { show(change) }
    }
} catch {
    print("error: \(error)")
    exit(1)
}
