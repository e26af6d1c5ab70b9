import Foundation
import Glibc
import Pouch
import Testing

/// `pouch serve --admin NAME` takes the password from
/// `POUCH_ADMIN_PASSWORD`, so it never appears among the arguments `ps`
/// shows; an empty password is a usage error.
@Suite struct ServeAdminTests {
    @Test func thePasswordComesFromTheEnvironment() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let serve = try ServeProcess(
            runner, ["--data", runner.path("data"), "--port", "0", "--admin", "root"],
            environment: ["POUCH_ADMIN_PASSWORD": "s3cret"])
        let port = try serve.listeningPort()
        defer {
            serve.send(SIGTERM)
            _ = try? serve.waitForExit()
        }
        // CouchDB: creating a database needs an admin once one is set.
        let anonymous = try ServeCommandTests.send(port, "PUT /notes")
        #expect(anonymous.status == 401)
        let wrong = try ServeCommandTests.send(port, "PUT /notes", credentials: "root:nope")
        #expect(wrong.status == 401)
        let admin = try ServeCommandTests.send(port, "PUT /notes", credentials: "root:s3cret")
        #expect(admin.status == 201)
        #expect(!(serve.process.arguments ?? []).joined().contains("s3cret"))
    }

    @Test func anEmptyPasswordIsAUsageError() throws {
        let runner = try CommandRunner()
        defer { runner.remove() }
        let outcome = try runner.run(
            ["serve", "--data", runner.path("data"), "--port", "0", "--admin", "root"],
            environment: ["POUCH_ADMIN_PASSWORD": ""])
        #expect(outcome.status == 2)
        #expect(outcome.output.isEmpty)
    }
}
