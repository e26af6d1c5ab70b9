// A CHT offline client: logs in to a CHT server as an offline user, syncs
// once into local SQLite files, and prints what moved.
//
//   CHT_URL=https://cht.example.org CHT_USER=chw_amina CHT_PASSWORD=... CHTClient
//
// The files are ./cht-client/medic.sqlite and ./cht-client/meta.sqlite
// unless CHT_DATA names another folder.
import Foundation
import Pouch
import PouchCHT

let environment = ProcessInfo.processInfo.environment
guard let server = environment["CHT_URL"].flatMap(URL.init(string:)),
    let user = environment["CHT_USER"], let password = environment["CHT_PASSWORD"]
else {
    print("set CHT_URL, CHT_USER and CHT_PASSWORD")
    exit(2)
}
let folder = URL(fileURLWithPath: environment["CHT_DATA"] ?? "cht-client")

do {
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let medic = try Database(path: folder.appendingPathComponent("medic.sqlite").path)
    let meta = try Database(path: folder.appendingPathComponent("meta.sqlite").path)
    let sync = CHTSync(
        server: server, username: user, password: password, medic: medic, meta: meta)
    let report = try await sync.run()
    print("server lists \(report.listed) documents for \(user)")
    print("fetched \(report.downloaded), purged \(report.purged.count)")
    print("pushed \(report.uploaded), refused \(report.forbidden.count)")
    print("meta: pulled \(report.metaDownloaded), pushed \(report.metaUploaded)")
    print("held locally: \(try await medic.info().docCount)")
} catch {
    print("error: \(error)")
    exit(1)
}
