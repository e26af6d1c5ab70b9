import Foundation
import Pouch

extension CouchEndpoints {
    static func addServerRoutes(to router: inout Router) {
        router.add("GET", "/") { request in
            .json([
                "couchdb": "Welcome", "version": "3.5.0", "git_sha": "pouch",
                "uuid": .string(request.server.uuid), "features": [],
                "vendor": ["name": "Pouch"],
            ])
        }
        router.add("GET", "/_up") { _ in .json(["status": "ok"]) }
        router.add("GET", "/_uuids") { try uuids($0) }
        router.add("GET", "/_all_dbs") { try await allDatabases($0) }
        router.add("GET", "/_session", allowed: "GET,HEAD,POST,DELETE") { session($0) }
        router.add("POST", "/_session") { try login($0) }
        router.add("DELETE", "/_session") { _ in
            .json(
                ["ok": true],
                headers: HTTPHeaders([("Set-Cookie", Authenticator.clearCookieHeader)]))
        }
    }

    /// `GET /_uuids?count=N`: random 32-digit hexadecimal ids.
    static func uuids(_ request: ServerRequest) throws -> HTTPResponse {
        let count = try request.query.int("count") ?? 1
        guard count >= 0 else { throw PouchError.badRequest("invalid count parameter") }
        guard count <= 1000 else {
            throw PouchError.badRequest("count parameter too large")
        }
        let ids = (0..<count).map { _ in JSON.string(randomHex(bytes: 16)) }
        return .json(["uuids": .array(ids)])
    }

    /// `GET /_all_dbs` with `startkey`, `endkey`, `descending`, `skip`, `limit`.
    /// Server admins only, as CouchDB 3's default `admin_only_all_dbs`.
    static func allDatabases(_ request: ServerRequest) async throws -> HTTPResponse {
        try request.requireServerAdmin()
        let query = request.query
        var names = try await request.server.provider.databaseNames()
        let descending = try query.bool("descending")
        let start = try (query.json("startkey") ?? query.json("start_key"))?.stringValue
        let end = try (query.json("endkey") ?? query.json("end_key"))?.stringValue
        if descending { names.reverse() }
        names = names.filter { name in
            let afterStart = start.map { descending ? !precedes($0, name) : !precedes(name, $0) }
            let beforeEnd = end.map { descending ? !precedes(name, $0) : !precedes($0, name) }
            return (afterStart ?? true) && (beforeEnd ?? true)
        }
        let skip = try query.nonNegativeInt("skip") ?? 0
        let limit = try query.nonNegativeInt("limit") ?? names.count
        let page = names.dropFirst(skip).prefix(max(limit, 0))
        return .json(.array(page.map(JSON.string)))
    }

    private static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// `GET /_session`: who the request comes from.
    static func session(_ request: ServerRequest) -> HTTPResponse {
        var info: JSONObject = ["authentication_handlers": ["cookie", "default"]]
        if let method = request.authenticationMethod, request.user.name != nil {
            info["authenticated"] = .string(method)
        }
        return .json(["ok": true, "userCtx": request.user.json, "info": .object(info)])
    }

    /// `POST /_session` with a JSON or form body: checks the name and
    /// password and answers with an `AuthSession` cookie.
    static func login(_ request: ServerRequest) throws -> HTTPResponse {
        let (name, password) = try credentials(request)
        guard let name, let password,
            let user = request.server.authenticator.login(name: name, password: password)
        else { throw PouchError.unauthorized("Name or password is incorrect.") }
        let cookie = request.server.authenticator.setCookieHeader(for: user.name)
        return .json(
            ["ok": true, "name": .string(user.name), "roles": .array(user.roles.map(JSON.string))],
            headers: HTTPHeaders([("Set-Cookie", cookie)]))
    }

    private static func credentials(
        _ request: ServerRequest
    ) throws -> (String?, String?) {
        let type = request.http.headers["Content-Type"] ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let form = try QueryParameters(
                Substring(String(decoding: request.http.body, as: UTF8.self)))
            return (form["name"], form["password"])
        }
        let body = try request.jsonBody()
        return (body["name"]?.stringValue, body["password"]?.stringValue)
    }
}
