import Pouch

/// CouchDB's endpoints, in the order they are matched: server-wide paths,
/// then the special paths of a database, then design, local and other
/// documents with their attachments.
enum CouchEndpoints {
    static func router() -> Router {
        var router = Router()
        addServerRoutes(to: &router)
        addDatabaseRoutes(to: &router)
        addBulkRoutes(to: &router)
        addChangesRoutes(to: &router)
        addMangoRoutes(to: &router)
        addDesignFunctionRoutes(to: &router)
        addDocumentRoutes(to: &router)
        return router
    }

    static func addDocumentRoutes(to router: inout Router) {
        let paths = ["/{db}/_design/{ddoc}", "/{db}/_local/{local}", "/{db}/{doc}"]
        for path in paths {
            router.add("GET", path, allowed: "DELETE,GET,HEAD,PUT") {
                try await getDocument($0)
            }
            router.add("PUT", path) { try await putDocument($0) }
            router.add("DELETE", path) { try await deleteDocument($0) }
            if path == paths[0] {
                addAttachmentRoutes(to: &router, path: "/{db}/_design/{ddoc}/{attachment*}")
            } else if path == paths[1] {
                addLocalAttachmentRefusal(to: &router)
            }
        }
        addAttachmentRoutes(to: &router, path: "/{db}/{doc}/{attachment*}")
    }

    /// Limitation: views, shows, lists and update functions are JavaScript,
    /// which this server does not run; their paths answer 501 rather than
    /// being read as attachment names.
    static func addDesignFunctionRoutes(to router: inout Router) {
        for kind in ["_view", "_show", "_list", "_update", "_rewrite"] {
            let path = "/{db}/_design/{ddoc}/\(kind)/{rest*}"
            for method in ["GET", "POST", "PUT"] {
                router.add(method, path) { _ in
                    throw PouchError(
                        PouchError.Code("not_implemented"),
                        "design document functions (\(kind)) are not supported by this server",
                        status: 501)
                }
            }
        }
    }

    /// CouchDB's 400 for any path below a `_local` document (`/db/_local/a/b`
    /// with an unencoded slash): local documents have no attachments.
    private static func addLocalAttachmentRefusal(to router: inout Router) {
        for method in ["GET", "PUT", "DELETE", "POST", "COPY"] {
            router.add(method, "/{db}/_local/{local}/{rest*}") { _ in
                throw PouchError.badRequest("_local documents do not accept attachments.")
            }
        }
    }

    private static func addAttachmentRoutes(to router: inout Router, path: String) {
        router.add("GET", path, allowed: "GET,HEAD,PUT,DELETE") { try await getAttachment($0) }
        router.add("PUT", path) { try await putAttachment($0) }
        router.add("DELETE", path) { try await deleteAttachment($0) }
    }
}

extension ServerRequest {
    /// What a request needs of a database.
    public enum Access: Sendable {
        /// Read and write documents: a member (or anyone when the
        /// database lists no members).
        case member
        /// Change the database's settings or design documents.
        case admin
    }

    /// The name in the `{db}` segment, validated.
    public var databaseName: String {
        get throws(PouchError) {
            let name = parameter("db")
            try DatabaseName.validate(name)
            return name
        }
    }

    /// The document id of the path: `_design/x`, `_local/x`, or `{doc}`.
    var documentID: String {
        if let name = parameters["ddoc"] { return "_design/\(name)" }
        if let name = parameters["local"] { return "_local/\(name)" }
        return parameter("doc")
    }

    /// The database of the path's `{db}` segment, after checking it exists
    /// and `user` may use it as `access` asks, with CouchDB's answers:
    /// 404 `Database does not exist.`, 401 for an anonymous user, 403 for
    /// one who is known but not a member (or admin). The server's database
    /// view, if any, then decides what the request sees. Last, the `POST`
    /// endpoints CouchDB checks answer 415 without a JSON content type.
    public func database(_ access: Access = .member) async throws -> any ServedDatabase {
        let name = try databaseName
        guard let database = try await server.provider.database(named: name) else {
            throw PouchError.notFound("Database does not exist.")
        }
        let security = SecurityObject(
            json: try await server.provider.security(ofDatabase: name))
        switch access {
        case .member where !security.isMember(user):
            throw denied(
                "You are not authorized to access this db.",
                forbidden: "You are not allowed to access this db.")
        case .admin where !security.isAdmin(user):
            throw denied(
                "You are not a db or server admin.",
                forbidden: "You are not a db or server admin.")
        default:
            let view = try await server.view(database, for: self)
            if JSONContentType.isChecked(method: method, segments: pathSegments) {
                try JSONContentType.validate(http.headers)
            }
            return view
        }
    }

    /// Whether `user` administers the database `name`.
    func isDatabaseAdmin(_ name: String) async throws -> Bool {
        let security = SecurityObject(json: try await server.provider.security(ofDatabase: name))
        return security.isAdmin(user)
    }

    /// Throws CouchDB's 401 unless the user is a server admin.
    public func requireServerAdmin() throws(PouchError) {
        guard user.isAdmin else { throw PouchError.unauthorized("You are not a server admin.") }
    }

    /// 401 for an anonymous user, 403 for one who is known but not allowed.
    func denied(_ unauthenticated: String, forbidden: String) -> PouchError {
        user.name == nil
            ? PouchError.unauthorized(unauthenticated) : PouchError.forbidden(forbidden)
    }
}
