import Pouch
import PouchServer

/// Decides, once per request, how a user reaches the server's `medic`:
/// the one place `CHTServer` enforces CHT's rules on every CouchDB
/// endpoint of `medic` (installed as the server's database view).
///
/// Followed: CHT 4.x's API routing (`api/src/routing.js` and its
/// `authorization` middleware). Online users -- roles `_admin`,
/// `mm-online` or `national_admin` -- reach CouchDB as it is. Offline users
/// reach only the endpoints CHT filters for them or leaves to CouchDB:
///
/// - `GET/PUT/DELETE /medic/{id}`, `POST /medic` and attachments: only
///   documents they may hold (or will hold, for a write), else 403
///   `Insufficient privileges`; `GET /medic/_design/{name}` likewise, which
///   leaves `_design/medic-client`;
/// - `_all_docs`, `_bulk_get` and `_changes`: filtered to the documents they
///   may hold; `_bulk_docs`: a `forbidden` row per refused document;
/// - `_local/{id}`, `_revs_diff`, `_missing_revs`: CouchDB's answer, as CHT
///   leaves replication checkpoints to CouchDB;
/// - anything else (`GET /medic` itself, `_find`, `_index`, `_explain`,
///   `_security`, `_purge`, `_design_docs`, `_local_docs`, `_revs_limit`,
///   `_compact`, ...): 403 `Offline users are not allowed access to this
///   endpoint`.
///
/// The documents themselves are judged by `CHTUserMedicPeer`, which is
/// what an offline user's request sees as `medic`.
struct CHTMedicGate: Sendable {
    /// The rules and the index of `medic`.
    let service: CHTReplicationService

    /// The database `request` works on: `medic` itself for an online user
    /// or another database, the user's view of it for an offline user.
    func view(
        _ request: ServerRequest, _ database: any ServedDatabase
    ) async throws -> any ServedDatabase {
        guard try request.databaseName == "medic",
            !CHTRules.isOnline(roles: request.user.roles)
        else { return database }
        guard Self.isOpenToOfflineUsers(request.method, request.pathSegments) else {
            throw CHTUserMedicPeer.firewall
        }
        return CHTUserMedicPeer(service: service, user: try await context(of: request))
    }

    /// Whether CHT lets an offline user's request through (filtered, or
    /// left to CouchDB), from its method and its path segments after
    /// `medic`.
    static func isOpenToOfflineUsers(_ method: String, _ segments: [String]) -> Bool {
        let path = segments.dropFirst()
        // `POST /medic` writes a document; CHT's firewall closes the rest.
        guard let first = path.first else { return method == "POST" }
        if !first.hasPrefix("_") { return true }
        switch first {
        case "_design": return path.count == 2 && (method == "GET" || method == "HEAD")
        case "_local", "_all_docs", "_bulk_get", "_bulk_docs", "_changes", "_revs_diff",
            "_missing_revs":
            return true
        default: return false
        }
    }

    /// The CHT user making `request`, from their settings document and
    /// the `replication_depth` of `settings`.
    func context(of request: ServerRequest) async throws -> CHTUserContext {
        guard let name = request.user.name else {
            throw PouchError.unauthorized("You are not authorized to access this db.")
        }
        let settings = try? await service.medic.get("org.couchdb.user:" + name)
        guard let settings, let user = CHTUserContext(userSettings: settings) else {
            throw PouchError.forbidden("no user-settings document with a facility for \(name)")
        }
        guard let appSettings = try? await service.medic.get("settings") else { return user }
        return user.applyingReplicationDepth(settings: appSettings)
    }
}
