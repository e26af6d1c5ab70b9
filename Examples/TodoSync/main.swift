// A terminal to-do list kept in a local SQLite file and synced with a
// CouchDB-compatible server.
//
//   TodoSync add "Buy milk"        adds a to-do
//   TodoSync list                  lists them
//   TodoSync done ID               marks one done
//   TodoSync sync [URL]            syncs both ways with URL; with no URL an
//                                  embedded PouchServer on 127.0.0.1 is used
//
// The file is ./todos.sqlite unless TODO_DB names another.
import Foundation
import Pouch
import PouchServer

let path = ProcessInfo.processInfo.environment["TODO_DB"] ?? "todos.sqlite"
let arguments = Array(CommandLine.arguments.dropFirst())

func add(_ text: String, to todos: Database) async throws {
    let result = try await todos.post([
        "type": "todo", "title": .string(text), "done": false,
        "created": .string(ISO8601DateFormatter().string(from: Date())),
    ])
    print("added \(result.id)")
}

func list(_ todos: Database) async throws {
    var options = AllDocsOptions()
    options.includeDocs = true
    for row in try await todos.allDocs(options).rows {
        guard let doc = row.doc, doc["type"] == "todo" else { continue }
        let mark = doc["done"] == true ? "[x]" : "[ ]"
        print("\(mark) \(row.id)  \(doc["title"]?.stringValue ?? "")")
    }
}

func markDone(_ id: String, in todos: Database) async throws {
    var doc = try await todos.get(id)
    doc["done"] = true
    _ = try await todos.put(doc)
    print("done \(id)")
}

/// Pushes local changes, then pulls the server's, once each.
func sync(_ todos: Database, with remote: RemoteDatabase) async throws {
    if try await !remote.exists() { try await remote.create() }
    let pushed = try await Replication(source: todos, target: remote).run()
    let pulled = try await Replication(source: remote, target: todos).run()
    print("pushed \(pushed.docsWritten), pulled \(pulled.docsWritten)")
}

/// Syncs with a throwaway server on loopback, to show the round trip.
func syncWithEmbeddedServer(_ todos: Database) async throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("todo-server-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let server = try PouchServer(
        configuration: ServerConfiguration(dataDirectory: folder, port: 0))
    try await server.start()
    defer { server.stop() }
    let url = URL(string: "http://127.0.0.1:\(server.port)/todos")!
    print("embedded server at \(url)")
    let remote = RemoteDatabase(url: url)
    try await sync(todos, with: remote)
    print("server now holds \(try await remote.info().docCount) documents")
}

let usage = "usage: TodoSync add TEXT | list | done ID | sync [URL]"
do {
    let todos = try Database(path: path)
    switch (arguments.first, arguments.count) {
    case ("add", 2): try await add(arguments[1], to: todos)
    case ("list", 1): try await list(todos)
    case ("done", 2): try await markDone(arguments[1], in: todos)
    case ("sync", 1): try await syncWithEmbeddedServer(todos)
    case ("sync", 2): try await sync(todos, with: RemoteDatabase(url: URL(string: arguments[1])!))
    default:
        print(usage)
        exit(2)
    }
} catch {
    print("error: \(error)")
    exit(1)
}
